"""{% case_documents case user %}: the documents section of the case page (list, and the form to attach
one for those who may)."""

from django import template

from govhall.cases import permissions as perms

register = template.Library()


@register.inclusion_tag("cases/_documents.html")
def case_documents(case, user):
    from govhall.cases.views_documents import DocumentForm

    documents = list(case.documents.select_related("uploaded_by", "material__material"))
    form = None
    if perms.can(user, perms.DOCUMENTS, case):
        form = DocumentForm(initial={"version": case.version}, case=case)
    return {"case": case, "documents": documents, "form": form}
