"""Every word the teaching app shows, in English and Bahasa Indonesia.

``TEXT`` maps a key to its two versions; :func:`t` picks one. Scenario texts
come from the scenario files: ``watch`` and ``watch_id`` are already in both
languages there; ``description`` and ``case_study`` are written in English
only, so their Indonesian versions live in the tables below, keyed by the
English sentence. A scenario whose English text changes falls back to English
until the table is updated (``tests/test_app.py`` checks the shipped ones).
"""

from __future__ import annotations

from ..numerals import localised, localised_numbers

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

TEXT: dict[str, tuple[str, str]] = {
    # page
    "title": ("ovopsim: One Village One Product", "ovopsim: Satu Desa Satu Produk"),
    "language": ("Language", "Bahasa"),
    "scenario": ("Scenario", "Skenario"),
    "seed": ("Random seed (any whole number)", "Benih acak (bilangan bulat apa saja)"),
    "apply_hint": ("Changes take effect when you press Reset.",
                   "Perubahan berlaku setelah Anda menekan Atur ulang."),
    "setup": ("Set up the world", "Siapkan dunia"),
    "how_to": (
        "Pick a scenario, switch programmes on or off, then press **Reset**. "
        "**Step** advances one month; **▶** plays month after month.",
        "Pilih skenario, nyalakan atau matikan program, lalu tekan **Atur ulang**. "
        "**Langkah** memajukan satu bulan; **▶** memutar bulan demi bulan."),
    # run controls (Mesa's sidebar, translated)
    "controls": ("Run the model", "Jalankan model"),
    "play_interval": ("Pause between months when playing (ms)", "Jeda antarbulan saat diputar (milidetik)"),
    "render_interval": ("Months per redraw when playing", "Bulan per gambar ulang saat diputar"),
    "reset": ("Reset", "Atur ulang"),
    "step": ("Step", "Langkah"),
    "parameters": ("Model parameters", "Parameter model"),
    "information": ("Information", "Informasi"),
    "finished": ("The run has reached its last month.", "Simulasi sudah sampai bulan terakhir."),
    "error": ("The model stopped with an error", "Model berhenti karena galat"),
    # groups
    "group_programmes": ("Programmes the government pays for", "Program yang dibiayai pemerintah"),
    "group_shocks": ("Things that happen to the programme", "Kejadian yang menimpa program"),
    "group_money": ("Money and institutions", "Dana dan kelembagaan"),
    "group_trust": ("Trust and partnerships", "Kepercayaan dan kemitraan"),
    "group_market": ("Market", "Pasar"),
    "group_world": ("World size and length", "Ukuran dunia dan lama simulasi"),
    # intervention types
    "training": ("Training", "Pelatihan"),
    "mentoring": ("Mentoring (a coach follows the artisan)", "Pendampingan (pendamping mengikuti perajin)"),
    "capital": ("Capital (grants or soft loans)", "Permodalan (hibah atau pinjaman lunak)"),
    "equipment": ("Equipment aid", "Bantuan peralatan"),
    "facility": ("Shared facility (e.g. wastewater plant)", "Fasilitas bersama (mis. IPAL)"),
    "promotion": ("Promotion (exhibitions, online shops)", "Promosi (pameran, toko daring)"),
    "brand": ("Brand registration", "Pendaftaran merek"),
    "forum": ("Village forum (dialogue)", "Forum desa (dialog)"),
    "budget_cut": ("Budget cut", "Pemotongan anggaran"),
    "officer_turnover": ("Officers change job", "Pergantian petugas"),
    "access_shock": ("New road or airport", "Jalan atau bandara baru"),
    # intervention fields
    "on": ("on", "aktif"),
    "start": ("Starts in month", "Bulan mulai"),
    "intensity": ("Share of artisans offered a place each round", "Bagian perajin yang ditawari tiap putaran"),
    "intensity_facility": ("Share of villages that get one", "Bagian desa yang mendapatkannya"),
    "intensity_forum": ("Share of villages holding a meeting", "Bagian desa yang mengadakan pertemuan"),
    "intensity_budget_cut": ("Share of the budget removed", "Bagian anggaran yang dipotong"),
    "intensity_officer_turnover": ("Changes of officers per year", "Pergantian petugas per tahun"),
    "intensity_access_shock": ("Extra demand from outside the province", "Tambahan permintaan dari luar provinsi"),
    # key parameters
    "annual_budget": ("Programme budget per year (million Rp)", "Anggaran program per tahun (juta Rp)"),
    "ljmp": ("LJMP: a cluster agency that markets, lends and mentors",
             "LJMP: lembaga sentra yang memasarkan, meminjamkan, dan mendampingi"),
    "trust_gain": ("Trust gained from a good deal (a favour returned, a supply delivered)",
                   "Kepercayaan yang bertambah dari urusan yang baik (budi dibalas, pasokan dikirim)"),
    "trust_loss": ("Trust lost when a favour is not returned", "Kepercayaan yang hilang bila budi tidak dibalas"),
    "norm_mean": ("How strongly artisans hold to returning favours",
                  "Seberapa kuat perajin memegang norma membalas budi"),
    "partner_rate": ("Chance a trusted tie becomes a partnership (per month)",
                     "Peluang hubungan tepercaya menjadi kemitraan (per bulan)"),
    "bridges": ("Ties to other villages at the start, per artisan",
                "Hubungan awal ke desa lain per perajin"),
    "province_demand": ("Demand in the province (share of what can be made)",
                        "Permintaan di provinsi (bagian dari kapasitas produksi)"),
    "middleman_margin": ("Share of the price kept by traders", "Bagian harga yang diambil tengkulak"),
    "scale": ("Copies of the villages (more artisans)", "Salinan desa (lebih banyak perajin)"),
    "months": ("Months to simulate", "Jumlah bulan yang disimulasikan"),
    # monitors
    "month": ("Month", "Bulan"),
    "artisans_active": ("Businesses open", "Usaha yang buka"),
    "income_mean": ("Mean income (thousand Rp/month)", "Pendapatan rata-rata (ribu Rp/bulan)"),
    "jobs": ("Jobs", "Lapangan kerja"),
    "partnerships_within": ("Partnerships within villages", "Kemitraan di dalam desa"),
    "partnerships_between": ("Partnerships between villages", "Kemitraan antardesa"),
    "mean_trust": ("Mean trust", "Kepercayaan rata-rata"),
    # the headline card: a running total, not an average like the other cards
    "budget_spent_so_far": ("Budget spent so far (million Rp, not an average)",
                            "Anggaran terpakai sejauh ini (juta Rp, bukan rata-rata)"),
    "outside_share": ("Sales outside the province", "Penjualan ke luar provinsi"),
    # plots
    "plot_income": ("Mean income per business (thousand Rp)", "Pendapatan rata-rata per usaha (ribu Rp)"),
    "plot_jobs": ("Jobs (owners and workers)", "Lapangan kerja (pemilik dan pekerja)"),
    "plot_partnerships": ("Partnerships (solid: within villages, dashed: between)",
                          "Kemitraan (utuh: di dalam desa, putus-putus: antardesa)"),
    "within": ("within villages", "di dalam desa"),
    "between": ("between villages", "antardesa"),
    "plot_trust": ("Mean trust on ties", "Kepercayaan rata-rata pada hubungan"),
    "plot_tiers": ("Where sales go (share of value)", "Tujuan penjualan (bagian nilai)"),
    "province": ("province", "provinsi"),
    "national": ("other provinces", "provinsi lain"),
    "export": ("export", "ekspor"),
    "plot_budget": ("Programme money spent (million Rp)", "Dana program terpakai (juta Rp)"),
    "no_data": ("Press Step or ▶ to run the first month.", "Tekan Langkah atau ▶ untuk menjalankan bulan pertama."),
    # network
    "network_title": ("Who works with whom", "Siapa bekerja sama dengan siapa"),
    "legend_tie": ("tie (darker = more trust)", "hubungan (lebih gelap = lebih percaya)"),
    "legend_partner": ("partnership", "kemitraan"),
    "legend_partner_between": ("partnership between villages", "kemitraan antardesa"),
    "legend_closed": ("business closed", "usaha tutup"),
    "network_note": ("Dot colour: village. Dot size: the artisan's income this month.",
                     "Warna titik: desa. Ukuran titik: pendapatan perajin bulan ini."),
    # explanation
    "about": ("About this scenario", "Tentang skenario ini"),
    "seed_used": ("This run's random seed", "Benih acak simulasi ini"),
    "case_study": ("What the field study found", "Temuan studi lapangan"),
    "watch": ("What to watch for", "Yang perlu diperhatikan"),
    "fallback": ("(not yet translated)", "(belum diterjemahkan)"),
    # the page's frame
    "menu": ("Show or hide the controls", "Tampilkan atau sembunyikan kontrol"),
    "play": ("Play or pause (month after month)", "Putar atau jeda (bulan demi bulan)"),
    "pending": ("Settings changed: press Reset to run them.",
                "Pengaturan berubah: tekan Atur ulang untuk menjalankannya."),
    "village": ("Village", "Desa"),
    # headline numbers
    "headline_caption": ("Average of the last {n} months (this month below).",
                         "Rata-rata {n} bulan terakhir (bulan ini di bawahnya)."),
    "headline_caption_short": ("Average of the {n} months so far (this month below).",
                               "Rata-rata {n} bulan sejauh ini (bulan ini di bawahnya)."),
    "headline_caption_ab": ("Side by side: B is the set-up in the controls, A the one it is compared with.",
                            "Berdampingan: B adalah susunan di kontrol, A susunan pembandingnya."),
    "this_month": ("this month", "bulan ini"),
    # comparing runs
    "compare": ("Compare runs", "Bandingkan simulasi"),
    "side_by_side": ("Side by side: two set-ups on the same seed", "Berdampingan: dua susunan dengan benih sama"),
    "side_by_side_off": (
        "Reset keeps the last run on the plots as a fainter line. Side by side runs the set-up "
        "running now (A) and the one in the controls (B) together, month by month, on the same seed, "
        "and shows B − A.",
        "Atur ulang menyimpan simulasi sebelumnya di grafik sebagai garis samar. Mode berdampingan "
        "menjalankan susunan yang sedang berjalan (A) dan susunan di kontrol (B) bersama-sama, bulan demi "
        "bulan, dengan benih yang sama, dan menampilkan B − A."),
    "side_by_side_how": (
        "Change the controls and press Reset: B runs with your changes, A as it is, on the same seed. "
        "The numbers show B − A: what your changes make, not luck.",
        "Ubah kontrol lalu tekan Atur ulang: B berjalan dengan perubahan Anda, A tetap, dengan benih yang "
        "sama. Angka menunjukkan B − A: hasil perubahan Anda, bukan kebetulan."),
    "pin_current": ("Make the controls' set-up A", "Jadikan susunan di kontrol sebagai A"),
    "setup_b": ("set-up B", "susunan B"),
    "earlier_runs": ("Earlier runs on the plots: {n}", "Simulasi sebelumnya di grafik: {n}"),
    "clear_runs": ("Clear earlier runs", "Hapus simulasi sebelumnya"),
    # plots
    "run": ("run", "simulasi"),
    "plot_income_short": ("income (thousand Rp)", "pendapatan (ribu Rp)"),
    "plot_jobs_short": ("jobs", "lapangan kerja"),
    "plot_within_short": ("within villages", "di dalam desa"),
    "plot_between_short": ("between villages", "antardesa"),
    "plot_trust_short": ("mean trust", "kepercayaan rata-rata"),
    "plot_outside_short": ("outside the province", "ke luar provinsi"),
    "plot_spent_short": ("spent (million Rp)", "terpakai (juta Rp)"),
    "festive_month": ("festive month", "bulan hari raya"),
    "festive_legend": ("festive months (before Eid and Christmas)", "bulan hari raya (menjelang Lebaran dan Natal)"),
    "plot_outside": ("Sold outside the province (share)", "Terjual ke luar provinsi (bagian)"),
    "plots_note": ("Across: months. Hover over a line for its values.",
                   "Mendatar: bulan. Arahkan penunjuk ke garis untuk melihat nilainya."),
    # the lesson
    "lesson_what": ("What it is", "Apa ini"),
    "lesson_how": ("How it works", "Cara kerjanya"),
    "lesson_notice": ("Things to notice", "Yang perlu diperhatikan"),
    "lesson_try": ("Things to try", "Yang bisa dicoba"),
    "lesson_field": ("The field study", "Studi lapangan"),
    # names of runs
    "off": ("off", "mati"),
    "change_off": ("no {what}", "tanpa {what}"),
    "change_start": ("{what} from month {month}", "{what} mulai bulan {month}"),
    "change_cut": ("{pct}% cut", "potongan {pct}%"),
    "change_turnover": ("turnover {rate:g}/year", "pergantian {rate:g}/tahun"),
    "change_seed": ("seed {seed}", "benih {seed}"),
    # settings that do nothing
    "note_no_budget": (
        "{what}: switched on, but the programme budget is 0, so no one is reached and nothing "
        "changes. Raise the programme budget per year (Money and institutions).",
        "{what}: aktif, tetapi anggaran program 0, sehingga tidak ada yang terjangkau dan tidak ada "
        "yang berubah. Naikkan anggaran program per tahun (Dana dan kelembagaan)."),
    "note_cut_nothing": (
        "Budget cut: there is nothing to cut (no programme it cuts is switched on, or there is no "
        "budget), so it changes nothing.",
        "Pemotongan anggaran: tidak ada yang bisa dipotong (tidak ada program yang dipotongnya yang "
        "aktif, atau anggarannya nol), sehingga tidak mengubah apa pun."),
    "note_level_zero": ("{what}: switched on at level 0, so it does nothing.",
                        "{what}: aktif dengan tingkat 0, sehingga tidak berpengaruh apa pun."),
    "note_cannot_run": (
        "These settings cannot run ({message}): change them back or choose the scenario again.",
        "Pengaturan ini tidak dapat dijalankan ({message}): kembalikan atau pilih skenario lagi."),
    "note_after_end": (
        "{what}: starts in month {start}, after the run's last month ({months}), so it does nothing.",
        "{what}: mulai bulan ke-{start}, setelah bulan terakhir simulasi ({months}), sehingga tidak "
        "berpengaruh apa pun."),
    "note_share_too_small": (
        "{what}: its share of the budget (Rp {share} million a year) cannot pay for a single "
        "place in a round (Rp {seat} million), so its money is left unspent and lapses each year. "
        "Raise the budget, or switch off a programme to leave more for the others.",
        "{what}: bagiannya dari anggaran (Rp {share} juta setahun) tidak cukup untuk satu tempat "
        "pun dalam satu putaran (Rp {seat} juta), sehingga dananya tidak terpakai dan hangus "
        "setiap tahun. Naikkan anggaran, atau matikan salah satu program agar lebih banyak tersisa "
        "untuk yang lain."),
    "note_loans_as_grants": (
        "Capital: soft loans need an LJMP; with the LJMP off, the money is given as grants.",
        "Permodalan: pinjaman lunak memerlukan LJMP; tanpa LJMP, dananya diberikan sebagai hibah."),
}

# Indonesian versions of the scenarios' English ``description`` texts.
DESCRIPTION_ID: dict[str, str] = {
    "Proppo with its social network read from a survey file (an illustration of the format).":
        "Proppo dengan jaringan sosialnya dibaca dari berkas survei (contoh format).",
    "The full package on a budget a quarter of what it needs: fewer artisans reached.":
        "Paket lengkap dengan anggaran seperempat dari kebutuhan: lebih sedikit perajin terjangkau.",
    "The same package fully funded: the comparison arm for the underfunded Bangka Tengah run.":
        "Paket yang sama dengan anggaran penuh: pembanding bagi skenario Bangka Tengah yang kekurangan dana.",
    "No programme: four batik villages left to themselves (the Blitar world without the programme).":
        "Tanpa program: empat desa batik berjalan sendiri (dunia Blitar tanpa program).",
    "Four batik villages under a sustained collaborative programme (dialogue, training, exhibitions, "
    "digital promotion).":
        "Empat desa batik dengan program kolaboratif yang berkelanjutan (dialog, pelatihan, pameran, "
        "promosi digital).",
    "Blitar's collaborative programme with training and exhibitions cut by half from month 25.":
        "Program kolaboratif Blitar dengan dana pelatihan dan pameran dipotong separuh mulai bulan ke-25.",
    "Blitar's collaborative programme with frequent officer turnover and no medium-term plan.":
        "Program kolaboratif Blitar dengan pergantian petugas yang sering dan tanpa rencana jangka menengah.",
    "Blitar's collaborative programme with training and exhibitions cut by half from month 25 and officers changing about twice a year.":
        "Program kolaboratif Blitar dengan anggaran pelatihan dan pameran dipotong separuh mulai bulan ke-25 "
        "dan pengurus berganti sekitar dua kali setahun.",
    "Blitar's collaborative programme with frequent officer turnover and a medium-term plan.":
        "Program kolaboratif Blitar dengan pergantian petugas yang sering, tetapi dengan rencana jangka "
        "menengah.",
    "Five batik villages specialised in stages, with exhibitions and a forum: partnerships across villages.":
        "Lima desa batik yang berspesialisasi pada tahap produksi berbeda, dengan pameran dan forum: "
        "kemitraan antardesa.",
    "Six transmigration villages, 50 food and craft producers, a top-down OVOP package.":
        "Enam desa transmigrasi, 50 produsen pangan dan kerajinan, paket OVOP yang top-down (dari atas).",
    "Three clusters, each with an LJMP that aggregates, lends and mentors; a new airport from month 24.":
        "Tiga sentra, masing-masing dengan LJMP yang menghimpun dan memasarkan produk, memberi pinjaman, "
        "dan mendampingi; bandara baru mulai bulan ke-24.",
}

# Indonesian versions of the scenarios' English ``case_study`` texts.
CASE_STUDY_ID: dict[str, str] = {
    "Bangka Tengah: the budget was too small for the planned activities; incomes still changed for real "
    "and knowledge and competence rose markedly.":
        "Bangka Tengah: anggaran terlalu kecil untuk kegiatan yang direncanakan; meski begitu pendapatan "
        "benar-benar berubah, dan pengetahuan serta kompetensi naik dengan nyata.",
    "Reference arm for every comparison.":
        "Skenario pembanding untuk setiap perbandingan.",
    "Blitar: collaboration between government and the batik community raised batik business income by "
    "50-70% and created jobs in production, marketing and tourism.":
        "Blitar: kolaborasi pemerintah dan komunitas batik menaikkan pendapatan usaha batik 50-70% dan "
        "menciptakan lapangan kerja di bidang produksi, pemasaran, dan pariwisata.",
    "Proppo: OVOP raised incomes slowly; villages specialise in different stages and work together; trust "
    "and reciprocity are the engine, and a tie with no mutual benefit is not continued.":
        "Proppo: OVOP menaikkan pendapatan secara perlahan; desa-desa berspesialisasi pada tahap produksi "
        "yang berbeda dan bekerja sama; kepercayaan dan resiprositas (saling membalas) menjadi penggeraknya, "
        "dan hubungan tanpa manfaat bersama tidak dilanjutkan.",
    "Rasau Jaya: not fully successful, chiefly for want of national and international networks; community "
    "awareness stayed low because the programme was top-down.":
        "Rasau Jaya: belum sepenuhnya berhasil, terutama karena kurangnya jaringan nasional dan "
        "internasional; kesadaran masyarakat tetap rendah karena program bersifat top-down (dari atas).",
    "Singkawang: each cluster gets an LJMP (management services and financing); freelance mentors work in "
    "each cluster; the new airport is expected to widen market reach.":
        "Singkawang: setiap sentra mendapat LJMP (Lembaga Jasa Manajemen dan Pembiayaan); pendamping lepas "
        "bekerja di setiap sentra; bandara baru diharapkan memperluas jangkauan pasar.",
}


# short names, for labels of runs and notes: intervention types, and the key parameters
# (by their controls' labels in controls.KNOBS, which stay when a parameter is renamed)
SHORT: dict[str, tuple[str, str]] = {
    "training": ("training", "pelatihan"),
    "mentoring": ("mentoring", "pendampingan"),
    "capital": ("capital", "permodalan"),
    "equipment": ("equipment aid", "bantuan peralatan"),
    "facility": ("shared facility", "fasilitas bersama"),
    "promotion": ("promotion", "promosi"),
    "brand": ("brand registration", "pendaftaran merek"),
    "forum": ("village forum", "forum desa"),
    "budget_cut": ("budget cut", "pemotongan anggaran"),
    "officer_turnover": ("officer turnover", "pergantian petugas"),
    "access_shock": ("road or airport", "jalan atau bandara"),
    "annual_budget": ("budget {value:g} M", "anggaran {value:g} jt"),
    "ljmp": ("LJMP {value}", "LJMP {value}"),
    "trust_gain": ("trust gain {value:g}", "tambahan kepercayaan {value:g}"),
    "trust_loss": ("trust loss {value:g}", "kehilangan kepercayaan {value:g}"),
    "norm_mean": ("reciprocity norm {value:g}", "norma timbal balik {value:g}"),
    "partner_rate": ("partnering {value:g}", "peluang bermitra {value:g}"),
    "bridges": ("bridges {value:g}", "jembatan antardesa {value:g}"),
    "province_demand": ("demand {value:g}", "permintaan {value:g}"),
    "middleman_margin": ("traders' share {value:g}", "bagian tengkulak {value:g}"),
    "scale": ("{value:g}x villages", "{value:g}x desa"),
    "months": ("{value:g} months", "{value:g} bulan"),
}


def t(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang`` ("en" or "id"); the key itself if unknown."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "id" else pair[0]


def scenario_texts(meta, lang: str = "en") -> dict[str, str]:
    """Description, case study and what to watch for, in ``lang``.

    ``meta`` is a scenario's ``[scenario]`` table (:class:`ovopsim.config.Meta`).
    Text with no Indonesian version yet is shown in English, marked as such."""
    if lang != "id":
        return {"description": meta.description, "case_study": meta.case_study, "watch": meta.watch}

    def translated(table: dict[str, str], text: str) -> str:
        if not text:
            return ""
        return table.get(text) or f"{text} {t('fallback', 'id')}"

    watch = meta.watch_id or (f"{meta.watch} {t('fallback', 'id')}" if meta.watch else "")
    return {"description": translated(DESCRIPTION_ID, meta.description),
            "case_study": translated(CASE_STUDY_ID, meta.case_study), "watch": watch}


def short(key: str, lang: str = "en") -> str:
    """A short name of an intervention type (or a knob's label pattern)."""
    pair = SHORT.get(key, (key, key))
    return pair[1] if lang == "id" else pair[0]


def change_text(change: str, what: str, value, lang: str = "en") -> str:
    """One change of a set-up in a few words ("50% cut", "no training", "seed 7"), its
    numbers written as a reader of ``lang`` writes them ("permintaan 1,25")."""
    return localised_numbers(_change_words(change, what, value, lang), lang)


def _change_words(change: str, what: str, value, lang: str) -> str:
    name = short(what, lang)
    if change == "off":
        return t("change_off", lang).format(what=name)
    if change == "on":
        return name
    if change == "start":
        return t("change_start", lang).format(what=name, month=int(value))
    if change == "knob":
        if isinstance(value, bool):
            value = t("on" if value else "off", lang)
        return name.format(value=value)
    if what == "budget_cut":
        return t("change_cut", lang).format(pct=round(100 * float(value)))
    if what == "officer_turnover":
        return t("change_turnover", lang).format(rate=float(value))
    if what == "access_shock":
        return f"{name} +{float(value):g}"
    return f"{name} {round(100 * float(value))}%"


def run_label(settings: dict, seed: int, lang: str = "en") -> str:
    """The name of a run on the plots: its scenario and what was changed in it,
    e.g. "blitar_batik + 50% cut, seed 7"."""
    from ..config import load_scenario
    from .controls import changes

    found = changes(settings)
    levelled = {what for change, what, _ in found if change == "level"}
    words = [change_text(change, what, value, lang) for change, what, value in found
             if not (change == "on" and what in levelled)]
    name = settings.get("scenario", "baseline")
    if seed != load_scenario(name).scenario.seed:
        words.append(t("change_seed", lang).format(seed=seed))
    return name + (" + " + ", ".join(words) if words else "")


def names(keys, lang: str = "en") -> str:
    """Short names joined: "training, mentoring"."""
    return ", ".join(short(k, lang) for k in keys)


def note_text(key: str, values: dict, lang: str = "en") -> str:
    """The sentence of a note on a setting that does nothing (:func:`controls.notes`)."""
    values = {k: localised(f"{v:,.1f}", lang) if isinstance(v, float) else v for k, v in values.items()}
    if "what" in values:
        values["what"] = names(values["what"], lang)
        values["what"] = values["what"][:1].upper() + values["what"][1:]
    return t(key, lang).format(**values)
