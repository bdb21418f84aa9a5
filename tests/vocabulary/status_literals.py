"""Find status values written as bare strings where a status is compared or assigned.

A status is one of the StrEnums beside the models; code and templates name its members
(``OfferStatus.SENT``), never the text ``"sent"``. Python sources are read with ``ast``,
templates with regular expressions. Each finding is ``path:line: what``.
"""

import ast
import re
from enum import StrEnum
from pathlib import Path

from jobmatch.models.employers import EmployerApproval, VacancyStatus
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.fairs import Attendance, OutcomeStage
from jobmatch.models.gigs import GigStatus, PayStatus, PlacementStatus
from jobmatch.models.labour_export import ExportMemberStatus, TransportMode
from jobmatch.models.messages import AskAnswer, MessageStatus
from jobmatch.models.offers import OfferChannel, OfferStatus, RoundScope, RoundStatus
from jobmatch.models.problems import ProblemStage
from jobmatch.models.training import AssessmentResult, EnrolmentStatus
from jobmatch.models.wechat import WechatNoticeStatus
from jobmatch.models.welfare import WelfarePostStatus
from jobmatch.services.sms.delivery import AttemptStatus

STATUS_ENUMS: tuple[type[StrEnum], ...] = (
    OfferStatus, RoundStatus, RoundScope, OfferChannel, MessageStatus, AskAnswer, VacancyStatus, EmployerApproval,
    WelfarePostStatus, Attendance, OutcomeStage, EnrolmentStatus, ProblemStage, SubsidyStatus, AttemptStatus,
    AssessmentResult, WechatNoticeStatus,
    ExportMemberStatus, TransportMode,
    GigStatus, PlacementStatus, PayStatus,
)
STATUS_VALUES = frozenset(member.value for enum in STATUS_ENUMS for member in enum)
# Names that hold a status: an attribute, a variable, a keyword argument or a dict key.
STATUS_NAME = re.compile(r"(^|_)(status|statuses|stage|stages|state|scope|channel|approval|answer|was|previous)$")
# Functions whose positional arguments are statuses.
STATUS_CALLS = frozenset({"transition_offer", "_locked_offer", "count_offers", "round_offers", "Outcome", "_finish"})


def _holds_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return bool(STATUS_NAME.search(node.attr))
    if isinstance(node, ast.Name):
        return bool(STATUS_NAME.search(node.id))
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return isinstance(node.slice.value, str) and bool(STATUS_NAME.search(node.slice.value))
    return False


def _literals(node: ast.AST) -> list[str]:
    """Bare status texts in ``node``: a string, or strings inside a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in STATUS_VALUES:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [text for element in node.elts for text in _literals(element)]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _nodes_outside_enums(tree: ast.AST):
    """Every node, except inside the body of an Enum class (where the values are defined)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b).endswith("Enum") for b in node.bases):
            continue
        pending.extend(ast.iter_child_nodes(node))


def _python_findings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in _nodes_outside_enums(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_holds_status(side) for side in sides):
                found += [(node.lineno, f"compares a status with {text!r}") for s in sides for text in _literals(s)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                pairs = (zip(target.elts, node.value.elts)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                found += [(node.lineno, f"assigns {text!r} to a status") for t, v in pairs if v is not None
                          and _holds_status(t) for text in _literals(v)]
        elif isinstance(node, ast.Call):
            found += [(node.lineno, f"passes {text!r} as {kw.arg}=") for kw in node.keywords
                      if kw.arg and STATUS_NAME.search(kw.arg) for text in _literals(kw.value)]
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("in_", "not_in") and _holds_status(func.value):
                found += [(node.lineno, f"filters a status by {text!r}") for a in node.args for text in _literals(a)]
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in STATUS_CALLS:
                found += [(node.lineno, f"passes {text!r} to {name}()") for a in node.args for text in _literals(a)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and STATUS_NAME.search(node.name):
            found += [(ret.lineno, f"returns {text!r} from {node.name}()") for ret in ast.walk(node)
                      if isinstance(ret, ast.Return) and ret.value is not None for text in _literals(ret.value)]
        elif isinstance(node, ast.Dict):
            found += [(node.lineno, f"stores {text!r} under {k.value!r}") for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and isinstance(k.value, str) and STATUS_NAME.search(k.value)
                      for text in _literals(v)]
    return found


_JINJA_STATUS = r"\b[\w.]*(?:status|stage|state|scope|channel|approval)\b"
_JINJA_PATTERNS = (
    re.compile(_JINJA_STATUS + r"\s*(?:==|!=)\s*['\"](\w+)['\"]"),
    re.compile(r"['\"](\w+)['\"]\s*(?:==|!=)\s*" + _JINJA_STATUS),
    re.compile(_JINJA_STATUS + r"\s+(?:not\s+)?in\s+[(\[]([^)\]]*)[)\]]"),
)


def _template_findings(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in _JINJA_PATTERNS:
            for match in pattern.finditer(line):
                texts = re.findall(r"['\"](\w+)['\"]", match.group(0)) if "in" in match.group(0).split() \
                    else [match.group(1)]
                found += [(number, f"compares a status with {t!r}") for t in texts if t in STATUS_VALUES]
    return found


def bare_status_literals(*roots: Path) -> list[str]:
    """``path:line: what`` for every bare status text under these folders (.py and .html)."""
    findings = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            found = _python_findings(ast.parse(path.read_text()))
            findings += [f"{path}:{line}: {what}" for line, what in sorted(found)]
        for path in sorted(root.rglob("*.html")):
            findings += [f"{path}:{line}: {what}" for line, what in _template_findings(path.read_text())]
    return findings
