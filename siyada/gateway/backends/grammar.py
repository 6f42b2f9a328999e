"""Grammars that hold an embedded model to a shape: JSON for `response_format`, a call for `tools`.

llama.cpp samples only tokens its grammar allows, so the output of a `json_schema` request always has the
schema's shape; it is validated again after generation (jsonschema-rs), since a converter can only
approximate some keywords. What the converter cannot express is refused with a 400 naming the parameter
(never ignored), and schemas are bounded in size, depth and counts: a `maxItems` of 100000 alone would
unroll into megabytes of grammar.

A tool call is generated as `{"name": "<function>", "arguments": <object>}`, one alternative per tool, each
held to that function's parameters; with `tool_choice` "auto" a second alternative is plain text (any
text not starting with "{"), or the `response_format` shape when one is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
import orjson

MAX_SCHEMA_BYTES = 16_384  # one schema, as JSON
MAX_SCHEMA_NODES = 400  # objects and arrays in one schema
MAX_SCHEMA_DEPTH = 12
MAX_COUNT = 64  # minItems / maxItems / minLength / maxLength / pattern repetitions
MAX_PATTERN = 200  # characters of one `pattern`
MAX_GRAMMAR_BYTES = 65_536  # the whole grammar, all tools together
MAX_TOOLS_BYTES = 65_536

# Keywords the converter turns into grammar; anything else would be ignored, so it is refused.
_KEYWORDS = frozenset(
    [
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "enum",
        "const",
        "anyOf",
        "oneOf",
        "allOf",
        "$ref",
        "$defs",
        "definitions",
        "description",
        "title",
        "default",
        "examples",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "$schema",
        "$id",
        "$comment",
        "strict",
    ]
)
_FORMATS = frozenset({"date", "time", "date-time", "uuid"})
_COUNTS = ("minItems", "maxItems", "minLength", "maxLength")
_REPEAT = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# JSON strings may not hold raw control characters; the converter's own `char` rule allows them.
_CHAR = r'[^"\\\x00-\x1f] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])'
CALL_HEAD = '{"name": "'
CALL_ARGS = '", "arguments": '


class Refusal(ValueError):
    """A request shape the embedded backend cannot honour; `param` names the parameter."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param


@dataclass
class Plan:
    """How one chat request is generated: its grammar (GBNF), validators, and what to tell the model."""

    grammar: str | None = None
    # The response_format schema (None: any JSON object, or no JSON at all when `json` is False).
    json: bool = False
    schema_validator: Any = None
    tools: dict[str, Any] = field(default_factory=dict)  # name -> validator of its arguments
    tool_specs: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: str = "none"  # none | auto | required (a named function is required with one tool)
    instructions: str = ""

    @property
    def calls(self) -> bool:
        return self.tool_choice != "none"


def _check_schema(schema: Any, param: str) -> None:
    if not isinstance(schema, dict):
        raise Refusal(param, "must be a JSON Schema object")
    if _size(schema, param) > MAX_SCHEMA_BYTES:
        raise Refusal(param, f"the schema is over {MAX_SCHEMA_BYTES} bytes")
    nodes = 0
    stack: list[tuple[Any, int, bool]] = [(schema, 1, True)]
    while stack:
        node, depth, is_schema = stack.pop()
        if isinstance(node, dict | list):
            nodes += 1
            if nodes > MAX_SCHEMA_NODES or depth > MAX_SCHEMA_DEPTH:
                raise Refusal(
                    param,
                    f"the schema is too complex (at most {MAX_SCHEMA_NODES} nodes, depth {MAX_SCHEMA_DEPTH})",
                )
        if isinstance(node, list):
            stack.extend((x, depth + 1, is_schema) for x in node)
            continue
        if not isinstance(node, dict) or not is_schema:
            continue
        _check_keywords(node, param)
        for key, value in node.items():
            if key in ("properties", "$defs", "definitions"):
                if isinstance(value, dict):
                    stack.extend((v, depth + 2, True) for v in value.values())
            elif key in ("items", "additionalProperties", "prefixItems", "anyOf", "oneOf", "allOf"):
                stack.append((value, depth + 1, True))
            elif isinstance(value, dict | list):
                stack.append((value, depth + 1, False))  # enum, const, default, examples: data


def _size(value: Any, param: str) -> int:
    try:
        return len(orjson.dumps(value))
    except TypeError as exc:  # an integer past 64 bits, say
        raise Refusal(param, f"not supported: {exc}") from exc


def _check_keywords(node: dict[str, Any], param: str) -> None:
    unknown = sorted(k for k in node if k not in _KEYWORDS)
    if unknown:
        raise Refusal(param, f"schema keyword {unknown[0]!r} is not supported by embedded models")
    fmt = node.get("format")
    if fmt is not None and (not isinstance(fmt, str) or fmt not in _FORMATS):
        raise Refusal(param, f"string format {fmt!r} is not supported (only {', '.join(sorted(_FORMATS))})")
    for key in _COUNTS:
        value = node.get(key)
        if value is not None and (not isinstance(value, int) or value > MAX_COUNT):
            raise Refusal(param, f"{key} above {MAX_COUNT} is not supported by embedded models")
    pattern = node.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
            raise Refusal(param, f"pattern must be a string of at most {MAX_PATTERN} characters")
        for low, high in _REPEAT.findall(pattern):
            if int(low) > MAX_COUNT or (high and int(high) > MAX_COUNT):
                raise Refusal(param, f"pattern repetitions above {MAX_COUNT} are not supported")
    props, required = node.get("properties"), node.get("required")
    if isinstance(props, dict) and isinstance(required, list):
        missing = [r for r in required if not isinstance(r, str) or r not in props]
        if missing:  # the grammar writes only listed properties: it could never validate
            raise Refusal(param, f"required property {missing[0]!r} is not among the properties")
    if "$ref" in node and not str(node["$ref"]).startswith("#"):
        raise Refusal(param, "only local $ref (#/...) are supported")


def validator(schema: dict[str, Any], param: str) -> Any:
    try:
        return jsonschema_rs.validator_for(schema)
    except Exception as exc:  # an invalid schema (bad type name, bad regex)
        raise Refusal(param, f"invalid JSON Schema: {exc}") from exc


class _Builder:
    def __init__(self) -> None:
        from llama_cpp.llama_grammar import SchemaConverter

        self.c = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
        self.n = 0

    def schema(self, schema: dict[str, Any], param: str) -> str:
        self.n += 1
        try:
            resolved = self.c.resolve_refs(schema, f"schema-{self.n}")
            rule: str = self.c.visit(resolved, f"s{self.n}")
        except Exception as exc:
            raise Refusal(param, f"the schema cannot be made into a grammar: {exc}") from exc
        if self.c._rules.get("char"):
            self.c._rules["char"] = _CHAR
        return rule

    def rule(self, name: str, body: str) -> None:
        self.c._rules[name] = body

    def text(self) -> str:
        return self.c.format_grammar()


def _response(body: dict[str, Any], b: _Builder, plan: Plan) -> str | None:
    fmt = body.get("response_format")
    if not fmt or fmt.get("type") == "text":
        return None
    plan.json = True
    if fmt.get("type") == "json_object":
        return b.schema({"type": "object"}, "response_format")
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
        raise Refusal("response_format.json_schema.schema", "a json_schema response format needs a schema")
    schema = spec["schema"]
    _check_schema(schema, "response_format.json_schema.schema")
    plan.schema_validator = validator(schema, "response_format.json_schema.schema")
    plan.instructions += (
        "Answer with only a JSON object that follows this JSON Schema: "
        + orjson.dumps(schema).decode()
        + "\n"
    )
    return b.schema(schema, "response_format.json_schema.schema")


def _choice(body: dict[str, Any], names: list[str]) -> tuple[str, str | None]:
    choice = body.get("tool_choice")
    if choice is None:
        return ("auto" if names else "none"), None
    if isinstance(choice, str):
        return choice, None
    fn = choice.get("function") if choice.get("type") == "function" else None
    name = fn.get("name") if isinstance(fn, dict) else None
    if not isinstance(name, str):
        raise Refusal("tool_choice", 'must be "none", "auto", "required" or {"type": "function", ...}')
    if name not in names:
        raise Refusal("tool_choice", f"function {name!r} is not among the tools")
    return "required", name


def plan_for(body: dict[str, Any]) -> Plan:
    """The grammar and checks of a chat request; raises Refusal for what cannot be honoured."""
    plan = Plan()
    tools = body.get("tools") or []
    if body.get("tool_choice") is not None and not tools:
        raise Refusal("tool_choice", "tool_choice needs tools")
    if _size(tools, "tools") > MAX_TOOLS_BYTES:
        raise Refusal("tools", f"the tool definitions are over {MAX_TOOLS_BYTES} bytes")
    names = [t["function"]["name"] for t in tools]
    choice, only = _choice(body, names)
    b = _Builder()
    response = _response(body, b, plan)
    if choice != "none":
        alternatives: list[str] = []
        for i, tool in enumerate(tools):
            fn = tool["function"]
            name = fn["name"]
            if not _NAME.fullmatch(name):
                raise Refusal(f"tools[{i}].function.name", "must be 1-64 of a-z, A-Z, 0-9, _ and -")
            if name in plan.tools:
                raise Refusal(f"tools[{i}].function.name", f"{name!r} is defined twice")
            params = fn.get("parameters") or {"type": "object", "properties": {}}
            param = f"tools[{i}].function.parameters"
            _check_schema(params, param)
            plan.tools[name] = validator(params, param)
            plan.tool_specs.append(
                {"name": name, "description": fn.get("description") or "", "parameters": params}
            )
            if only is not None and name != only:
                continue
            args = b.schema(params, param)
            b.rule(f"call{i}", f'"{{\\"name\\": \\"{name}\\", \\"arguments\\": " {args} "}}"')
            alternatives.append(f"call{i}")
        if choice == "auto":
            # Plain text may not start with "{" (that is how a call is told from an answer).
            b.rule("answer", response or "[^{] [^\\x00]*")
            alternatives.append("answer")
        b.rule("root", " | ".join(alternatives))
        plan.tool_choice = choice
        plan.instructions += _tool_instructions(plan.tool_specs, choice, only)
    elif response is not None:
        b.rule("root", response)
    else:
        return plan
    plan.grammar = b.text()
    if len(plan.grammar) > MAX_GRAMMAR_BYTES:
        raise Refusal("tools" if plan.calls else "response_format", "the schemas make too large a grammar")
    return plan


def _tool_instructions(specs: list[dict[str, Any]], choice: str, only: str | None) -> str:
    lines = ["You can call these functions:"]
    lines += [orjson.dumps(s).decode() for s in specs if only is None or s["name"] == only]
    lines.append(
        'To call a function, answer with only {"name": <function name>, "arguments": <JSON object>}.'
    )
    if choice == "auto":
        lines.append("If no function is needed, answer the user directly in plain text.")
    return "\n".join(lines) + "\n"


def check(validate: Any, text: str) -> Any:
    """The JSON value of `text` if it parses and validates (None when `validate` is None: any JSON)."""
    value = orjson.loads(text)
    if validate is not None:
        validate.validate(value)
    return value
