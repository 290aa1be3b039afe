"""Pattern-oriented validation and calibration of ovopsim.

``patterns`` declares the case-study patterns P1-P7 (arms and checks),
``core`` runs their replicates through the experiment runner and judges them,
``report`` writes the table and figures, ``calibrate`` searches the assumed
parameters for sets that reproduce all patterns at once, ``cli`` is the
``ovopsim validate`` / ``ovopsim calibrate`` commands.
"""

from .core import Validation, validate
from .patterns import PATTERNS, Arm, Check, Pattern

__all__ = ["PATTERNS", "Arm", "Check", "Pattern", "Validation", "validate"]
