"""Calibration (analysis layer): fit scenario parameters to reported counts."""

from sim.calibration.engine import CalibrationResult, calibrate, poisson_deviance, target_losses
from sim.calibration.report import check_overlay, write_calibration, write_overlay
from sim.calibration.spec import (
    Calibration,
    CalibrationInputError,
    load_calibration,
    load_targets,
)

__all__ = [
    "Calibration",
    "CalibrationInputError",
    "CalibrationResult",
    "calibrate",
    "check_overlay",
    "load_calibration",
    "load_targets",
    "poisson_deviance",
    "target_losses",
    "write_calibration",
    "write_overlay",
]
