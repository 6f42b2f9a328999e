"""Watching an assistant: every call records its question (scrubbed: no personal data), day, version,
channel and outcome; the widget's feedback; and what an administration reads back: questions per day,
the share answered vs "not found", feedback, and the unanswered questions grouped by similarity.

Outcome: a grounded answer (the assistant has collections) that cites nothing is "not_found" (the
extractive mode's not-found answer has no citation; a generative answer that cites no passage did not
answer from the documents). An assistant without collections has no documents to miss: "answered".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import uuid
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from siyada.csv_cells import safe_cell
from siyada.errors import ApiError
from siyada.privacy.operators import scrub
from siyada.store.tables_assistants import assistant_feedback, assistant_questions

MAX_QUESTION_CHARS = 2000
MAX_CLUSTERED = 500  # unanswered questions clustered per request: bounded work, newest first
SIMILAR = 0.9  # cosine of two e5 query vectors counted as one question (e5 scores unrelated pairs ~0.75)
MAX_COMMENTS = 50
Channel = Literal["api", "widget"]
Embed = Callable[[list[str], str], np.ndarray]


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=1000)


def new_question_id() -> str:
    return uuid.uuid4().hex


def outcome(has_collections: bool, citations: list[Any] | None) -> str:
    return "not_found" if has_collections and not citations else "answered"


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")


def record_question(
    engine: Engine,
    question_id: str,
    tenant_id: int,
    name: str,
    version: int,
    channel: Channel,
    question: str,
    result: str,
) -> None:
    """One row per call; the text is scrubbed here, so no caller can store personal data by mistake."""
    now = time.time()
    text = scrub(question[:MAX_QUESTION_CHARS])
    with engine.begin() as conn:
        conn.execute(
            assistant_questions.insert().values(
                id=question_id,
                tenant_id=tenant_id,
                name=name,
                version=version,
                channel=channel,
                day=_day(now),
                question=text,
                outcome=result,
                created_at=now,
            )
        )


def record_feedback(engine: Engine, tenant_id: int, name: str, feedback: Feedback) -> dict[str, Any]:
    """Feedback on one answer of this assistant (404 for another's question, 409 when already given)."""
    q = assistant_questions
    comment = scrub(feedback.comment.strip())
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(q.c.id).where(
                q.c.id == feedback.question_id, q.c.tenant_id == tenant_id, q.c.name == name
            )
        ).first()
        if found is None:
            raise ApiError(404, "No such answer", code="question_not_found", param="question_id")
        try:
            conn.execute(
                assistant_feedback.insert().values(
                    question_id=feedback.question_id,
                    tenant_id=tenant_id,
                    name=name,
                    rating=feedback.rating,
                    comment=comment,
                    created_at=time.time(),
                )
            )
        except sa.exc.IntegrityError as exc:
            raise ApiError(409, "Feedback was already given on this answer", code="feedback_exists") from exc
    return {"object": "assistant.feedback", "question_id": feedback.question_id, "rating": feedback.rating}


def _since(days: int) -> str:
    return _day(time.time() - (days - 1) * 86400)


def stats(engine: Engine, tenant_id: int, name: str, days: int) -> dict[str, Any]:
    q, f = assistant_questions, assistant_feedback
    since = _since(days)
    mine = sa.and_(q.c.tenant_id == tenant_id, q.c.name == name, q.c.day >= since)
    answered = sa.func.sum(sa.case((q.c.outcome == "answered", 1), else_=0))
    per_day = (
        sa.select(q.c.day, sa.func.count().label("questions"), answered.label("answered"))
        .where(mine)
        .group_by(q.c.day)
        .order_by(q.c.day)
    )
    comments = (
        sa.select(q.c.day, f.c.rating, f.c.comment, q.c.question)
        .join(f, f.c.question_id == q.c.id)
        .where(mine, f.c.comment != "")
        .order_by(f.c.created_at.desc())
        .limit(MAX_COMMENTS)
    )
    ratings = sa.select(f.c.rating, sa.func.count()).join(q, f.c.question_id == q.c.id).where(mine)
    with engine.connect() as conn:
        rows = [
            {
                "day": r.day,
                "questions": r.questions,
                "answered": int(r.answered or 0),
                "not_found": r.questions - int(r.answered or 0),
            }
            for r in conn.execute(per_day)
        ]
        votes = dict(conn.execute(ratings.group_by(f.c.rating)).all())
        said = [dict(r._mapping) for r in conn.execute(comments)]
    total = sum(r["questions"] for r in rows)
    done = sum(r["answered"] for r in rows)
    return {
        "object": "assistant.stats",
        "assistant": name,
        "since": since,
        "days": rows,
        "questions": total,
        "answered": done,
        "not_found": total - done,
        "answered_share": round(done / total, 4) if total else None,
        "feedback": {"up": int(votes.get("up", 0)), "down": int(votes.get("down", 0)), "comments": said},
    }


def unanswered(engine: Engine, tenant_id: int, name: str, days: int) -> list[dict[str, Any]]:
    """The newest `MAX_CLUSTERED` not-found questions of the period (scrubbed text, day)."""
    q = assistant_questions
    query = (
        sa.select(q.c.question, q.c.day)
        .where(
            q.c.tenant_id == tenant_id,
            q.c.name == name,
            q.c.day >= _since(days),
            q.c.outcome == "not_found",
        )
        .order_by(q.c.created_at.desc())
        .limit(MAX_CLUSTERED)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" ?!.؟")


def cluster(questions: list[dict[str, Any]], embed: Embed | None) -> list[dict[str, Any]]:
    """Greedy single pass: each question joins the first group whose first question's e5 vector is at
    least `SIMILAR` close, else opens a group. Without an embedder, identical texts (case, spaces and
    the final mark aside) group. Largest groups first."""
    groups: list[dict[str, Any]] = []
    heads: list[np.ndarray] = []
    vectors = None
    if embed is not None and questions:
        raw = np.asarray(embed([x["question"] for x in questions], "query"), dtype=np.float32)
        vectors = raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)
    for i, item in enumerate(questions):
        home = None
        for g, group in enumerate(groups):
            if vectors is not None:
                if float(heads[g] @ vectors[i]) >= SIMILAR:
                    home = group
                    break
            elif _normal(group["questions"][0]["question"]) == _normal(item["question"]):
                home = group
                break
        if home is None:
            home = {"size": 0, "questions": []}
            groups.append(home)
            if vectors is not None:
                heads.append(vectors[i])
        home["size"] += 1
        home["questions"].append(item)
    groups.sort(key=lambda g: -g["size"])
    return [{"cluster": n + 1, **g} for n, g in enumerate(groups)]


def clusters_csv(groups: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["cluster", "size", "day", "question"])
    for g in groups:
        for item in g["questions"]:
            writer.writerow([g["cluster"], g["size"], item["day"], safe_cell(item["question"])])
    return buf.getvalue()


def stats_csv(found: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["day", "questions", "answered", "not_found"])
    for r in found["days"]:
        writer.writerow([r["day"], r["questions"], r["answered"], r["not_found"]])
    return buf.getvalue()
