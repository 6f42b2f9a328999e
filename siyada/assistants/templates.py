"""Sector templates: starting points for a public-service assistant in each of the 18 priority sectors.

A template is package data (`sector_templates/<id>.json`): the sector's names, scope, where to send the
citizen, one sector-specific rule, suggested questions (fr, ar, ary, en) and a suggested layout of
collections. The rules every public-service assistant shares (cite, say "not found", never invent, refuse,
send to the right service) are written once, in `_frame.json`, and composed with the sector's words.
Templates hold no facts: no law, procedure, amount, address or phone number; the tenant's documents do.

An assistant is created from a template with `POST /v1/assistants` and `"template": ID`: the fields the
body does not give come from the template; the template's collections must exist in the tenant (creation
names every missing one). The evaluation skeleton is a task of the evaluation lab (siyada.evaluation.spec)
with clearly marked placeholder rows that the tenant replaces with its own questions.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Engine

from siyada.assistants.spec import LANGUAGES, AssistantCreate, Question, Unset
from siyada.errors import ApiError
from siyada.evaluation.spec import TaskSpec
from siyada.knowledge.collections import find_collection
from siyada.knowledge.grounding import NOT_FOUND

FOLDER = Path(__file__).parent / "sector_templates"
ID_PATTERN = r"^[a-z][a-z-]{1,39}$"
PLACEHOLDER = "PLACEHOLDER"  # starts every row the tenant must replace (and is its id's prefix)
Lang = Literal["fr", "ar", "ary", "en"]
Text = Annotated[str, Field(min_length=1, max_length=600)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    """One text in each of the four languages of an assistant's instructions."""

    fr: Text
    ar: Text
    ary: Text
    en: Text


class FrameWords(_Strict):
    fr: Annotated[str, Field(min_length=1, max_length=4000)]
    ar: Annotated[str, Field(min_length=1, max_length=4000)]
    ary: Annotated[str, Field(min_length=1, max_length=4000)]
    en: Annotated[str, Field(min_length=1, max_length=4000)]


class Questions(_Strict):
    fr: list[Question] = Field(min_length=1, max_length=5)
    ar: list[Question] = Field(min_length=1, max_length=5)
    ary: list[Question] = Field(min_length=1, max_length=5)
    en: list[Question] = Field(min_length=1, max_length=5)


class Contents(_Strict):
    fr: Text
    en: Text


class CollectionLayout(_Strict):
    """A collection the template suggests, and what documents belong in it."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,64}$")]
    contents: Contents


class SectorTemplate(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: int = Field(ge=1)
    names: Words
    scope: Words  # what the assistant informs about (a noun phrase)
    refer: Words  # where it sends the citizen (a noun phrase, never an address or number)
    caution: Words  # one rule of this sector (emergencies, no diagnosis, no advice on a case…)
    questions: Questions
    collections: list[CollectionLayout] = Field(min_length=1, max_length=6)
    privacy: Literal["all", "external"] = "external"


class Frame(_Strict):
    """The rules every template shares, with {name}, {scope}, {refer}, {caution}, {not_found} slots."""

    instructions: FrameWords
    greeting: Words
    not_found_ary: Text  # grounding.NOT_FOUND has Darija in Latin letters only


class TemplateChoice(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    language: Lang = "fr"  # of the greeting and suggested questions (instructions come in all four)


class AssistantRequest(AssistantCreate):
    """POST /v1/assistants: an assistant, optionally started from a sector template (`"template":
    "health"`, or `{"id": "health", "language": "ar"}` for the greeting and suggested questions in
    Arabic). With a template, every field the body leaves out comes from the template."""

    template: Annotated[str, Field(pattern=ID_PATTERN)] | TemplateChoice | Unset = None

    @model_validator(mode="before")
    @classmethod
    def _no_null_template(cls, data: Any) -> Any:
        # the schema has no null: "template": null is refused like any other wrong type
        if isinstance(data, dict) and "template" in data and data["template"] is None:
            raise ValueError('\'template\' is a template id or {"id", "language"}; leave it out for none')
        return data

    @model_validator(mode="after")
    def _not_reserved(self) -> AssistantRequest:
        if self.name == "templates":  # GET /v1/assistants/templates lists the templates
            raise ValueError("the name 'templates' is reserved")
        return self

    def choice(self) -> TemplateChoice | None:
        return TemplateChoice(id=self.template) if isinstance(self.template, str) else self.template


def _missing(template_id: str) -> ApiError:
    return ApiError(
        404, f"No assistant template {template_id!r}", code="template_not_found", param="template"
    )


@cache
def _frame() -> Frame:
    return Frame.model_validate_json((FOLDER / "_frame.json").read_text(encoding="utf-8"))


@cache
def catalogue() -> dict[str, SectorTemplate]:
    """Every packaged template by id (read and validated once; a bad file fails loudly at first use)."""
    found = {}
    for path in sorted(FOLDER.glob("[a-z]*.json")):
        template = SectorTemplate.model_validate_json(path.read_text(encoding="utf-8"))
        if template.id != path.stem:
            raise ValueError(f"{path}: id {template.id!r} is not the file's name")
        found[template.id] = template
    return found


def get(template_id: str) -> SectorTemplate:
    template = catalogue().get(template_id)
    if template is None:
        raise _missing(template_id)
    return template


def not_found_sentence(lang: str) -> str:
    return _frame().not_found_ary if lang == "ary" else NOT_FOUND[lang][0]


def instructions(template: SectorTemplate) -> dict[str, str]:
    frame = _frame().instructions
    return {
        lang: getattr(frame, lang).format(
            name=getattr(template.names, lang),
            scope=getattr(template.scope, lang),
            refer=getattr(template.refer, lang),
            caution=getattr(template.caution, lang),
            not_found=not_found_sentence(lang),
        )
        for lang in LANGUAGES
    }


def greetings(template: SectorTemplate) -> dict[str, str]:
    frame = _frame().greeting
    return {lang: getattr(frame, lang).format(name=getattr(template.names, lang)) for lang in LANGUAGES}


def fields(template: SectorTemplate, language: str = "fr") -> dict[str, Any]:
    """The assistant fields (siyada.assistants.spec.AssistantFields) a template fills."""
    return {
        "description": template.names.fr + " — " + template.names.ar,
        "instructions": instructions(template),
        "collections": [c.name for c in template.collections],
        "privacy": template.privacy,
        "temperature": 0.2,  # a public service states what its documents say: little variety wanted
        "greeting": greetings(template)[language],
        "suggested_questions": list(getattr(template.questions, language)),
    }


def summary(template: SectorTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "object": "assistant.template",
        "version": template.version,
        "names": template.names.model_dump(),
    }


def detail(template: SectorTemplate) -> dict[str, Any]:
    return {
        **summary(template),
        "instructions": instructions(template),
        "greetings": greetings(template),
        "suggested_questions": template.questions.model_dump(),
        "collections": [c.model_dump() for c in template.collections],
        "privacy": template.privacy,
        "temperature": 0.2,
    }


def _check_collections(engine: Engine, tenant_id: int, names: list[str]) -> None:
    with engine.connect() as conn:
        missing = [name for name in names if find_collection(conn, tenant_id, name) is None]
    if missing:
        raise ApiError(
            404,
            "The template's collections do not exist in this tenant: "
            + ", ".join(missing)
            + ". Create them (and add the documents), or give 'collections'.",
            code="collection_not_found",
            param="collections",
        )


def filled(engine: Engine, tenant_id: int, request: AssistantRequest) -> AssistantCreate:
    """The assistant to create: the request's fields, and the template's where the request gives none.
    Without a template, the request as it is."""
    given = request.model_dump(exclude={"template"}, exclude_unset=True)
    choice = request.choice()
    if choice is None:
        return AssistantCreate.model_validate(given)
    defaults = fields(get(choice.id), choice.language)
    if "collections" not in given:
        _check_collections(engine, tenant_id, defaults["collections"])
    return AssistantCreate.model_validate({**defaults, **given})


# ---- the evaluation skeleton -----------------------------------------------------------------------
_ROW_TEXT = {
    "fr": (
        "une vraie question d'usager sur ce service",
        "la réponse exacte, telle que vos documents la donnent",
    ),
    "ar": ("سؤال حقيقي لمرتفق حول هذه الخدمة", "الجواب الدقيق كما يرد في وثائقكم"),
    "ary": ("سؤال حقيقي ديال شي مواطن على هاد الخدمة", "الجواب بالضبط كيف كاين فالوثائق ديالكم"),
    "en": (
        "a real question from a citizen about this service",
        "the exact answer, as your documents give it",
    ),
}
_OUT_OF_SCOPE = {
    "fr": "une question que vos documents ne couvrent pas",
    "ar": "سؤال لا تغطيه وثائقكم",
    "ary": "سؤال ما كتجاوبش عليه الوثائق ديالكم",
    "en": "a question your documents do not cover",
}


def _task_name(template: SectorTemplate) -> str:
    return template.id.replace("-", "_") + "_assistant_qa"


def evaluation_task(template: SectorTemplate) -> TaskSpec:
    """A question-answering task of the evaluation lab over the assistant (run it with
    `siyada eval run FILE.yaml --model assistant/NAME`). No system prompt: the assistant has its own."""
    name = _task_name(template)
    return TaskSpec.model_validate(
        {
            "name": name,
            "version": 1,
            "type": "qa",
            "description": f"Questions of citizens to the {template.names.en} assistant, answered from "
            "the tenant's documents; the tenant writes the questions and reference answers.",
            "languages": list(LANGUAGES),
            "data": {"jsonl": f"{name}.jsonl"},
            "prompts": {"default": {"user": "{question}"}},
            # answers are sentences quoted or paraphrased from documents: character n-grams lead
            "generation": {"max_tokens": 256},
            "metrics": ["chrf", "f1", "exact_match"],
        }
    )


def evaluation_rows(template: SectorTemplate) -> list[dict[str, Any]]:
    """Two placeholder rows per language: one the documents answer, one they do not (its reference is
    the sentence the assistant must then say)."""
    rows = []
    for lang in LANGUAGES:
        question, answer = _ROW_TEXT[lang]
        rows.append(
            {
                "id": f"{PLACEHOLDER}-{lang}-1",
                "lang": lang,
                "question": f"{PLACEHOLDER}: {question}",
                "references": [f"{PLACEHOLDER}: {answer}"],
            }
        )
        # Darija in Arabic letters is answered as Arabic (grounding.answer_language): either sentence
        not_found = [not_found_sentence(lang)] + ([not_found_sentence("ar")] if lang == "ary" else [])
        rows.append(
            {
                "id": f"{PLACEHOLDER}-{lang}-2",
                "lang": lang,
                "question": f"{PLACEHOLDER}: {_OUT_OF_SCOPE[lang]}",
                "references": not_found,
            }
        )
    return rows


def evaluation_files(template: SectorTemplate) -> dict[str, str]:
    """The skeleton as files: the task (YAML) and its items (JSONL), side by side."""
    task = evaluation_task(template)
    header = (
        f"# Evaluation skeleton of the sector template {template.id!r} (Siyada).\n"
        f"# Replace every row of {task.data.jsonl} whose id starts with {PLACEHOLDER} by your own\n"
        "# questions, each with the answer your documents give (one JSON object a line: id, lang,\n"
        f"# question, references). Then: siyada eval run {task.name}.yaml --model assistant/NAME\n"
    )
    spec = yaml.safe_dump(
        task.model_dump(mode="json", exclude_defaults=True, exclude={"source"}),
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    rows = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in evaluation_rows(template))
    return {f"{task.name}.yaml": header + spec, str(task.data.jsonl): rows}
