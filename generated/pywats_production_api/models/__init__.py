"""Contains all the data models used in inputs/outputs"""

from .box_build_requirement import BoxBuildRequirement
from .child_unit_check import ChildUnitCheck
from .child_unit_check_item import ChildUnitCheckItem
from .problem import Problem
from .process import Process
from .process_repair_operation_type_0 import ProcessRepairOperationType0
from .process_verification import ProcessVerification
from .product import Product
from .product_revision import ProductRevision
from .production_batch import ProductionBatch
from .save_units_result import SaveUnitsResult
from .serial_number_file_format import SerialNumberFileFormat
from .serial_number_identifier import SerialNumberIdentifier
from .serial_number_record import SerialNumberRecord
from .serial_number_type import SerialNumberType
from .serial_number_upload import SerialNumberUpload
from .tag import Tag
from .tag_change_kind import TagChangeKind
from .unit import Unit
from .unit_change import UnitChange
from .unit_verification_grade import UnitVerificationGrade
from .web_api_error import WebApiError

__all__ = (
    "BoxBuildRequirement",
    "ChildUnitCheck",
    "ChildUnitCheckItem",
    "Problem",
    "Process",
    "ProcessRepairOperationType0",
    "ProcessVerification",
    "Product",
    "ProductionBatch",
    "ProductRevision",
    "SaveUnitsResult",
    "SerialNumberFileFormat",
    "SerialNumberIdentifier",
    "SerialNumberRecord",
    "SerialNumberType",
    "SerialNumberUpload",
    "Tag",
    "TagChangeKind",
    "Unit",
    "UnitChange",
    "UnitVerificationGrade",
    "WebApiError",
)
