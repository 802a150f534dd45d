"""Calibration (analysis layer): fit scenario parameters to reported counts."""

from sim.calibration.engine import calibrate, poisson_deviance, target_losses
from sim.calibration.result import (
    CalibrationResult,
    check_overlay,
    input_files,
    write_calibration,
    write_overlay,
)
from sim.calibration.spec import Calibration, load_calibration
from sim.calibration.targets import CalibrationInputError, load_targets

__all__ = [
    "Calibration",
    "CalibrationInputError",
    "CalibrationResult",
    "calibrate",
    "check_overlay",
    "input_files",
    "load_calibration",
    "load_targets",
    "poisson_deviance",
    "target_losses",
    "write_calibration",
    "write_overlay",
]
