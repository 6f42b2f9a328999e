"""Sector templates of assistants (siyada.assistants.templates): the same for every tenant, read by any
key. Registered before the assistants router, so that `/v1/assistants/templates` is not taken for an
assistant's name (that name is reserved).

GET /v1/assistants/templates · GET /v1/assistants/templates/{id} ·
GET /v1/assistants/templates/{id}/evaluation
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from siyada.api.auth import authenticate
from siyada.assistants import templates
from siyada.governance.keys import Principal

router = APIRouter(tags=["assistants"])
TemplateId = Annotated[str, Path(pattern=templates.ID_PATTERN)]


@router.get("/v1/assistants/templates")
async def list_templates(principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    data = [templates.summary(t) for t in templates.catalogue().values()]
    return {"object": "list", "data": data}


@router.get("/v1/assistants/templates/{template_id}")
async def get_template(
    template_id: TemplateId, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return templates.detail(templates.get(template_id))


@router.get("/v1/assistants/templates/{template_id}/evaluation")
async def evaluation_skeleton(
    template_id: TemplateId, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    """The evaluation lab's task (YAML) and its items (JSONL, placeholder rows to replace), as files."""
    template = templates.get(template_id)
    files = [{"name": n, "content": c} for n, c in templates.evaluation_files(template).items()]
    return {"object": "assistant.template.evaluation", "template": template.id, "files": files}
