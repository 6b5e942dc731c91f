"""SQLAlchemy tables. No business rules, no Qt."""
from .base import Base, UTCDateTime
from .billing import BillingResult, BillingRun
from .cards import CardCharge, CardLink, CardOnFile, CardRefund
from .catalog import CustomWage, Location, Service
from .classes import ClassSession, Enrollment, PracticeClass, WaitlistEntry
from .client_requests import ClientRequest
from .closures import Closure
from .invoices import Allocation, CreditNote, Invoice, InvoiceLine, NumberSeries
from .ledger import LedgerEntry
from .outbox import OutboxMessage
from .packages import Package, PackageSale, PackageService
from .people import Client, Practitioner, User
from .practice import AuditEntry, NamesToken, Setting
from .sessions import CompletionType, Participant, PracticeSession, Series
from .totals import ClientTotal

__all__ = ["Base", "UTCDateTime", "Closure", "CustomWage", "Location", "Service", "LedgerEntry", "Client",
           "Practitioner", "User", "AuditEntry", "Setting", "CompletionType", "Participant",
           "PracticeSession", "Series", "Allocation", "CreditNote", "Invoice", "InvoiceLine", "NumberSeries",
           "Package", "PackageSale", "PackageService", "OutboxMessage",
           "PracticeClass", "ClassSession", "Enrollment", "WaitlistEntry", "ClientRequest",
           "BillingRun", "BillingResult", "CardLink", "CardOnFile", "CardCharge", "CardRefund",
           "ClientTotal", "NamesToken"]
