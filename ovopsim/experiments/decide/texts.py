"""Every text of the decision brief, in English (``en``) and Bahasa Indonesia (``id``).

:data:`TEXT` holds the sentences and headings; :data:`NAMES` the names of outcomes,
programmes and uncertainties the brief and its figures show (a name not listed is
shown as it is written in the spec).
"""

from __future__ import annotations

import re

from ovopsim.numerals import localised

LANGS = ("en", "id")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "brief": "Decision brief",
        "question": "The question",
        "answer": "The answer in short",
        "answer_text": "Mix {label} meets every target in {met} of {futures} possible futures "
                       "({satisficing}), more than any other mix tested.",
        "answer_tied": "Mix {label} meets every target in {met} of {futures} possible futures "
                       "({satisficing}); no mix tested meets them more often, {others} as often. "
                       "{label} comes first because its largest shortfall against the best mix of "
                       "each future is the smallest.",
        "answer_none": "No mix tested meets every target in any future: lower the targets or "
                       "change the programmes. Of those tested, {label} falls least short of the "
                       "best mix of each future.",
        "recommended": "Recommended budget mixes",
        "recommended_intro": "Each mix shares out the same yearly budget of {budget} (what a "
                             "programme cannot use in a year goes unspent). Mixes are "
                             "ranked by the share of futures in which they meet every target, "
                             "then by their largest shortfall in {first} against the best mix of "
                             "each future. {shown}",
        "shown_all": "All {tested} mixes tested are shown.",
        "shown_some": "The best {shown} of the {tested} mixes tested are shown (every one is in "
                      "the results' summary table).",
        "unsettled": "The search had not settled: its hypervolume (how much of the possible "
                     "trade-offs its best mixes cover) still grew by {growth} in its last "
                     "{generations} generations, so a longer search (more generations or a larger "
                     "population) may find better mixes than these.",
        "mix": "mix", "rank": "rank", "programme": "programme", "share": "share",
        "per_year": "Rp a year", "satisficing": "futures meeting every target",
        "median_range": "median [5th-95th percentile] across futures",
        "expected": "Outcomes in the reference future, the scenario as written ({reference}): mean "
                    "and 95% interval over replicates. It is one of the futures tested, not their "
                    "median (the table above).",
        "regret": "largest shortfall",
        "figures_mixes": "What each mix buys: share of the yearly budget per programme.",
        "figures_robust": "How each mix fares across futures.",
        "figures_pareto": "The trade-off the search found: every candidate evaluated and the "
                          "Pareto set.",
        "break": "What could break them",
        "break_intro": "Scenario discovery on the futures of mix {label}: where does \"{target}\" "
                       "happen?",
        "break_intro_all": "Scenario discovery on the futures of every mix tested: where does "
                           "\"{target}\" happen?",
        "prim_box": "It happens in {cases} of {futures} futures, chiefly when {rules}.",
        "prim_box_all": "It happens in {cases} of {futures} cases (each mix in each future), chiefly "
                        "when {rules}.",
        "mix_one_of": "the mix is one of",
        "prim_stats": "This box holds {coverage} of the futures where it happens (coverage); in "
                      "{density} of the futures inside the box it happens (density); the box holds "
                      "{mass} of all futures.",
        "prim_stats_all": "This box holds {coverage} of the cases where it happens (coverage); in "
                          "{density} of the cases inside the box it happens (density); the box holds "
                          "{mass} of all cases.",
        "cart": "A classification tree describes them with these rules:",
        "no_break": "Scenario discovery was not run on this mix.",
        "no_search": "These mixes were written by hand, with no search beside them (ovopsim "
                     "optimize): the brief has no figure of the trade-offs among the mixes a search "
                     "tries. A search on the same spec adds it, and may find better mixes.",
        "cost": "Cost per rupiah of extra income",
        "spent": "spent over the horizon (share of the budget available)",
        "cost_intro": "Programme rupiah spent per rupiah of extra income of all businesses "
                      "over the horizon, in the reference future (ratio of means, Fieller 95% "
                      "interval). Below 1: every rupiah spent brings more than a rupiah of income.",
        "assumptions": "Assumptions and limits",
        "assume_gain": "A gain compares the same villages, in the same future and with the same "
                       "chance events, without any programme: an income gain of 0.3 is 30% more "
                       "income than without the programmes, 1 is double.",
        "assume_model": "Results come from the ovopsim agent-based model of the scenario "
                        "{scenario}, over {months} months, each mix run {replicates} times with "
                        "the same random seeds (common random numbers) and compared with the same "
                        "villages without any programme.",
        "assume_search": "The search tried {evaluations} mixes ({algorithm}, {generations} "
                         "generations of {population}) in the reference future; the robustness "
                         "test ran {candidates} mixes in {futures} futures drawn from the "
                         "uncertainties below.",
        "assume_budget": "A programme's share buys seats in proportion to its cost: money it "
                         "cannot use lapses at the end of the year.",
        "assume_limits": "The model is calibrated on three of five field studies and checked "
                         "against all five; it does not predict a particular district's figures. "
                         "Read differences between mixes, not the levels.",
        "uncertainty": "uncertainty", "range": "range",
        "provenance": "Provenance",
        "spec": "specification", "candidates_file": "mixes tested", "to": "to", "created": "created", "versions": "software",
        "target_met": "target", "at_least": "at least", "at_most": "at most",
        "and": "and", "yes": "yes", "no": "no", "interval_sep": ",",
    },
    "id": {
        "brief": "Ringkasan keputusan",
        "question": "Pertanyaan",
        "answer": "Jawaban singkat",
        "answer_text": "Campuran {label} memenuhi semua target di {met} dari {futures} "
                       "kemungkinan masa depan ({satisficing}), lebih banyak dari campuran lain yang diuji.",
        "answer_tied": "Campuran {label} memenuhi semua target di {met} dari {futures} kemungkinan "
                       "masa depan ({satisficing}); tidak ada campuran yang diuji yang lebih sering "
                       "memenuhinya, {others} sama seringnya. {label} berada di urutan pertama karena "
                       "kekurangan terbesarnya terhadap campuran terbaik di tiap masa depan paling kecil.",
        "answer_none": "Tidak ada campuran yang memenuhi semua target di masa depan mana pun: "
                       "turunkan target atau ubah programnya. Dari yang diuji, {label} paling "
                       "sedikit tertinggal dari campuran terbaik di tiap masa depan.",
        "recommended": "Campuran anggaran yang dianjurkan",
        "recommended_intro": "Setiap campuran membagi anggaran tahunan yang sama, {budget} (yang tidak "
                             "dapat dipakai suatu program dalam setahun tidak dibelanjakan). "
                             "Campuran diurutkan menurut bagian masa depan yang memenuhi semua "
                             "target, lalu menurut kekurangan terbesarnya dalam {first} dibanding "
                             "campuran terbaik di tiap masa depan. {shown}",
        "shown_all": "Semua {tested} campuran yang diuji ditampilkan.",
        "shown_some": "Ditampilkan {shown} terbaik dari {tested} campuran yang diuji (semuanya ada "
                      "di tabel ringkasan hasil).",
        "unsettled": "Pencarian belum mantap: hipervolumenya (seberapa luas pilihan kompromi yang "
                     "dicakup campuran terbaiknya) masih naik {growth} dalam {generations} generasi "
                     "terakhirnya, sehingga pencarian yang lebih panjang (lebih banyak generasi atau "
                     "populasi lebih besar) mungkin menemukan campuran yang lebih baik.",
        "mix": "campuran", "rank": "peringkat", "programme": "program", "share": "bagian",
        "per_year": "Rp per tahun", "satisficing": "masa depan yang memenuhi semua target",
        "median_range": "median [persentil ke-5 sampai ke-95] antar masa depan",
        "expected": "Hasil di masa depan acuan, yaitu skenario sebagaimana ditulis ({reference}): "
                    "rata-rata dan selang 95% antar ulangan. Ini salah satu masa depan yang diuji, "
                    "bukan mediannya (tabel di atas).",
        "regret": "kekurangan terbesar",
        "figures_mixes": "Apa yang dibeli setiap campuran: bagian anggaran tahunan per program.",
        "figures_robust": "Bagaimana setiap campuran bertahan di berbagai masa depan.",
        "figures_pareto": "Pertukaran yang ditemukan pencarian: setiap kandidat yang dinilai dan "
                          "himpunan Pareto.",
        "break": "Apa yang dapat menggagalkannya",
        "break_intro": "Penemuan skenario pada masa depan campuran {label}: kapan \"{target}\" "
                       "terjadi?",
        "break_intro_all": "Penemuan skenario pada masa depan semua campuran yang diuji: kapan "
                           "\"{target}\" terjadi?",
        "prim_box": "Hal itu terjadi di {cases} dari {futures} masa depan, terutama bila {rules}.",
        "prim_box_all": "Hal itu terjadi di {cases} dari {futures} kasus (tiap campuran di tiap masa "
                        "depan), terutama bila {rules}.",
        "mix_one_of": "campurannya salah satu dari",
        "prim_stats": "Kotak ini memuat {coverage} dari masa depan tempat hal itu terjadi (cakupan); "
                      "di {density} dari masa depan di dalam kotak hal itu terjadi (kepadatan); kotak "
                      "memuat {mass} dari seluruh masa depan.",
        "prim_stats_all": "Kotak ini memuat {coverage} dari kasus tempat hal itu terjadi (cakupan); "
                          "di {density} dari kasus di dalam kotak hal itu terjadi (kepadatan); kotak "
                          "memuat {mass} dari seluruh kasus.",
        "cart": "Pohon klasifikasi menggambarkannya dengan aturan berikut:",
        "no_break": "Penemuan skenario belum dijalankan untuk campuran ini.",
        "no_search": "Campuran-campuran ini disusun sendiri, tanpa pencarian otomatis (ovopsim "
                     "optimize): ringkasan ini tidak memuat gambar kompromi antar-campuran yang dicoba "
                     "sebuah pencarian. Pencarian dengan spesifikasi yang sama menambahkannya, dan "
                     "mungkin menemukan campuran yang lebih baik.",
        "cost": "Biaya per rupiah tambahan pendapatan",
        "spent": "dibelanjakan selama periode (bagian dari anggaran yang tersedia)",
        "cost_intro": "Rupiah program yang dibelanjakan per rupiah tambahan pendapatan seluruh "
                      "usaha selama periode, di masa depan acuan (rasio rata-rata, selang 95% "
                      "Fieller). Di bawah 1: setiap rupiah yang dibelanjakan menghasilkan lebih "
                      "dari satu rupiah pendapatan.",
        "assumptions": "Asumsi dan batasan",
        "assume_gain": "Kenaikan membandingkan desa yang sama, di masa depan yang sama dan dengan "
                       "kejadian acak yang sama, tanpa program apa pun: kenaikan pendapatan 0,3 berarti "
                       "pendapatan 30% lebih tinggi daripada tanpa program, 1 berarti dua kali lipat.",
        "assume_model": "Hasil berasal dari model berbasis agen ovopsim untuk skenario "
                        "{scenario}, selama {months} bulan, setiap campuran dijalankan "
                        "{replicates} kali dengan benih acak yang sama (bilangan acak bersama) dan "
                        "dibandingkan dengan desa yang sama tanpa program.",
        "assume_search": "Pencarian mencoba {evaluations} campuran ({algorithm}, {generations} "
                         "generasi berisi {population}) di masa depan acuan; uji ketahanan "
                         "menjalankan {candidates} campuran di {futures} masa depan yang diambil "
                         "dari ketidakpastian di bawah.",
        "assume_budget": "Bagian sebuah program membiayai peserta sebanyak yang dapat dibayarnya: uang yang "
                         "tidak terpakai hangus di akhir tahun.",
        "assume_limits": "Model dikalibrasi pada tiga dari lima studi lapangan dan diuji terhadap "
                         "kelimanya; model tidak meramalkan angka kabupaten tertentu. Bacalah "
                         "perbedaan antar campuran, bukan tingkatnya.",
        "uncertainty": "ketidakpastian", "range": "rentang",
        "provenance": "Asal-usul",
        "spec": "spesifikasi", "candidates_file": "campuran yang diuji", "to": "s.d.", "created": "dibuat", "versions": "perangkat lunak",
        "target_met": "target", "at_least": "paling sedikit", "at_most": "paling banyak",
        "and": "dan", "yes": "ya", "no": "tidak", "interval_sep": ";",
    },
}

#: amounts in rupiah: the words for a million and a billion in each language (the
#: separators a reader of it writes: ovopsim.numerals)
MONEY = {"en": ("million", "billion"), "id": ("juta", "miliar")}


def number(x: float, lang: str) -> str:
    """A compact number (:func:`ovopsim.experiments.compare.fmt`: 0.453, 290, 2.08M) as a
    reader of ``lang`` writes it: 0,453 and 2,08 juta in Bahasa Indonesia (where "M"
    would read as miliar)."""
    from ..compare import fmt

    text = fmt(x)
    if lang == "en":
        return text
    million, billion = MONEY[lang]
    for suffix, word in (("M", million), ("B", billion)):
        if text.endswith(suffix):
            text = f"{text[:-1]} {word}"
    return localised(text, lang)


def rupiah(x: float, lang: str) -> str:
    """An amount in rupiah as a reader of ``lang`` writes it: Rp 124.05 million or
    Rp 124,05 juta; Rp 1.35 billion or Rp 1,35 miliar; below a million in full
    (Rp 250,000 or Rp 250.000); whole millions without decimals (Rp 600 juta)."""
    import math

    if x is None or not math.isfinite(x):
        return "-"
    million, billion = MONEY[lang]
    a = abs(x)
    if a >= 1e9:
        text, word = f"{x / 1e9:,.2f}", f" {billion}"
    elif a >= 1e6:
        text, word = f"{x / 1e6:,.2f}", f" {million}"
    else:
        text, word = f"{x:,.0f}", ""
    return f"Rp {localised(text.removesuffix('.00'), lang)}{word}"

#: names of outcomes, programmes, uncertainties and figure labels
NAMES: dict[str, dict[str, str]] = {
    "en": {
        "income_gain": "income gain", "jobs_gain": "jobs gain", "gini": "Gini",
        "coverage": "coverage", "budget_spent": "spending (Rp)", "extra_income": "extra income (Rp)",
        "return_per_rupiah": "extra income per rupiah", "income": "income",
        "max": "higher is better", "min": "lower is better",
        "training": "training", "mentoring": "mentoring", "capital": "capital grants",
        "equipment": "equipment", "exhibitions": "exhibitions",
        "digital_promotion": "digital promotion", "dialogue": "dialogue forum",
        "interventions.budget_cut.share": "depth of the budget cut",
        "interventions.budget_cut.start": "month the cut starts",
        "interventions.officer_turnover.rate": "officer turnovers a year",
        "market.demand_growth": "yearly demand growth",
        "market.national_demand": "demand from other provinces",
        "interventions.officer_turnover.medium_term_plan": "medium-term plan",
        "box coverage": "coverage",
    },
    "id": {
        "income_gain": "kenaikan pendapatan", "jobs_gain": "kenaikan lapangan kerja",
        "gini": "Gini", "coverage": "jangkauan", "budget_spent": "belanja (Rp)",
        "extra_income": "tambahan pendapatan (Rp)",
        "return_per_rupiah": "tambahan pendapatan per rupiah", "income": "pendapatan",
        "jobs": "lapangan kerja",
        "max": "makin tinggi makin baik", "min": "makin rendah makin baik",
        "training": "pelatihan", "mentoring": "pendampingan", "capital": "hibah modal",
        "equipment": "peralatan", "exhibitions": "pameran", "digital_promotion": "promosi digital",
        "dialogue": "forum dialog",
        "interventions.budget_cut.share": "besarnya pemotongan anggaran",
        "interventions.budget_cut.start": "bulan mulai pemotongan",
        "interventions.officer_turnover.rate": "pergantian pejabat per tahun",
        "market.demand_growth": "pertumbuhan permintaan per tahun",
        "market.national_demand": "permintaan dari provinsi lain",
        "interventions.officer_turnover.medium_term_plan": "rencana jangka menengah",
        "every candidate": "setiap kandidat", "Pareto set (95% CI)": "himpunan Pareto (selang 95%)",
        "best (95% CI)": "terbaik (selang 95%)", "generation": "generasi",
        "hypervolume (normalised)": "hipervolume (dinormalkan)",
        "share of the yearly budget": "bagian anggaran tahunan",
        "futures meeting every target": "masa depan yang memenuhi semua target",
        "5th-95th percentile of futures, median": "persentil ke-5 sampai ke-95 antar masa depan, median",
        "chosen box": "kotak terpilih", "restricted inputs": "masukan yang dibatasi",
        "density": "kepadatan", "box coverage": "cakupan", "target": "target",
    },
}


#: uncertainties and levers a reader takes as percents (a cut of 0.32 reads as 32%)
PERCENT = ("interventions.budget_cut.share", "market.demand_growth")


def name(lang: str, key: str) -> str:
    """The shown name of an outcome, programme, uncertainty or label."""
    return NAMES[lang].get(key, key)


#: the place a spec's title or question names the budget (filled in with :func:`rupiah`)
BUDGET = "{budget}"

# an amount in rupiah as a planner writes one: Rp 600 million, Rp 1,5 miliar, IDR 600.000.000,
# 600 juta rupiah
_NUMBER = r"(\d+(?:[.,]\d+)*)"
_SCALE_WORD = r"(thousand|ribu|rb|million|juta|jt|billion|miliar|milyar|m)"
_PREFIXED = re.compile(rf"\b(?:Rp\.?|IDR)\s?{_NUMBER}(?:\s*{_SCALE_WORD}\b)?", re.IGNORECASE)
_SUFFIXED = re.compile(rf"\b{_NUMBER}\s*{_SCALE_WORD}\s+rupiah\b", re.IGNORECASE)
#: what each scale word multiplies by: "M" is a million in English and a miliar in Indonesian
_SCALE = {"thousand": (1e3,), "ribu": (1e3,), "rb": (1e3,), "million": (1e6,), "juta": (1e6,), "jt": (1e6,),
          "billion": (1e9,), "miliar": (1e9,), "milyar": (1e9,), "m": (1e6, 1e9)}


def rupiah_amounts(text: str) -> list[tuple[str, tuple[float, ...]]]:
    """The amounts in rupiah ``text`` names, each as written and the values it may mean
    (two for "Rp 0,6 M"), in either language's way of writing them: a separator
    followed by three digits groups thousands (600,000,000 or 600.000.000), one followed
    by fewer or more marks decimals (1.5 or 1,5 billion)."""
    found, taken = [], []
    for pattern in (_PREFIXED, _SUFFIXED):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):  # "Rp 600 juta rupiah": once
                continue
            taken.append(m.span())
            digits, word = m.group(1), m.group(2) or ""
            groups = re.split(r"[.,]", digits)
            if all(len(g) == 3 for g in groups[1:]):
                value = float("".join(groups))
            else:  # the last separator marks decimals, any before it group thousands
                value = float("".join(groups[:-1]) + "." + groups[-1])
            found.append((m.start(), m.group(0).strip(), tuple(value * k for k in _SCALE.get(word.lower(), (1.0,)))))
    return [(written, values) for _, written, values in sorted(found)]


def with_budget(text: str, budget: float | None, lang: str) -> str:
    """A spec's title or question with :data:`BUDGET` written as the budget (``rupiah``)."""
    return text.replace(BUDGET, rupiah(budget, lang)) if budget else text
