"""Contains all the data models used in inputs/outputs"""

from .internal_child_unit_check import InternalChildUnitCheck
from .internal_child_unit_check_item import InternalChildUnitCheckItem
from .internal_serial_number import InternalSerialNumber
from .internal_serial_number_state import InternalSerialNumberState
from .internal_unit import InternalUnit
from .problem import Problem
from .serial_number_range import SerialNumberRange
from .serial_number_range_identifier import SerialNumberRangeIdentifier
from .serial_number_statistics import SerialNumberStatistics
from .serial_number_xml_envelope import SerialNumberXmlEnvelope
from .site import Site
from .unit_content import UnitContent
from .unit_phase_definition import UnitPhaseDefinition
from .unit_state_history import UnitStateHistory
from .web_api_error import WebApiError

__all__ = (
    "InternalChildUnitCheck",
    "InternalChildUnitCheckItem",
    "InternalSerialNumber",
    "InternalSerialNumberState",
    "InternalUnit",
    "Problem",
    "SerialNumberRange",
    "SerialNumberRangeIdentifier",
    "SerialNumberStatistics",
    "SerialNumberXmlEnvelope",
    "Site",
    "UnitContent",
    "UnitPhaseDefinition",
    "UnitStateHistory",
    "WebApiError",
)
