"""Serializers of the knowledge API. Input serializers only shape the request; the services check the
domain (unique title, leaf category, dates) and their errors come back as 400 with the field names."""

from __future__ import annotations

from rest_framework import serializers

from govhall.hotline.models import EntryKind, KnowledgeCitation, KnowledgeEntry, KnowledgeVersion


class KnowledgeVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeVersion
        fields = [
            "id",
            "number",
            "state",
            "title",
            "content",
            "issuing_unit",
            "kind",
            "keywords",
            "valid_from",
            "review_due",
            "expires_at",
            "note",
            "return_note",
            "created_at",
            "reviewed_at",
            "published_at",
        ]
        read_only_fields = fields


class KnowledgeEntrySerializer(serializers.ModelSerializer):
    owner_code = serializers.CharField(source="owner.code", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    category = serializers.CharField(source="category.path", read_only=True)
    published = KnowledgeVersionSerializer(read_only=True, allow_null=True)
    pending = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgeEntry
        fields = ["id", "title", "owner_code", "owner_name", "category", "version", "published", "pending"]
        read_only_fields = fields

    def get_pending(self, entry: KnowledgeEntry) -> KnowledgeVersionSerializer(allow_null=True):  # type: ignore[valid-type]
        if entry.pending is None or not self.context.get("sees_changes", lambda e: False)(entry):
            return None
        return KnowledgeVersionSerializer(entry.pending).data


class KnowledgeEntryDetailSerializer(KnowledgeEntrySerializer):
    versions = serializers.SerializerMethodField()

    class Meta(KnowledgeEntrySerializer.Meta):
        fields = [*KnowledgeEntrySerializer.Meta.fields, "versions"]
        read_only_fields = fields

    def get_versions(self, entry: KnowledgeEntry) -> KnowledgeVersionSerializer(many=True):  # type: ignore[valid-type]
        return KnowledgeVersionSerializer(self.context["versions"], many=True).data


class KnowledgeTextSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="A leaf of the category tree: its path, code or id")
    title = serializers.CharField(max_length=200, allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    issuing_unit = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.CharField(help_text=f"One of {', '.join(EntryKind.values)}")
    keywords = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    review_due = serializers.DateField()
    expires_at = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class KnowledgeCreateSerializer(KnowledgeTextSerializer):
    owner = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The owning unit's code (administrators only)"
    )
    source_ticket = serializers.IntegerField(required=False, allow_null=True, default=None)


class KnowledgeEditSerializer(KnowledgeTextSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The entry's version you last read (409 if stale)"
    )
    category = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False)
    content = serializers.CharField(required=False)
    issuing_unit = serializers.CharField(max_length=200, required=False)
    kind = serializers.CharField(required=False)
    keywords = serializers.CharField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False)
    review_due = serializers.DateField(required=False)
    expires_at = serializers.DateField(required=False, allow_null=True)


class KnowledgeStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The entry's version you last read (409 if stale)"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why (sending back)")


class KnowledgeHitSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    cited = serializers.IntegerField(help_text="How many tickets cited the entry")
    url = serializers.CharField()


class KnowledgeGuideHitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="The catalogue's guide (the one source)")


class KnowledgeSearchSerializer(serializers.Serializer):
    entries = KnowledgeHitSerializer(many=True)
    guides = KnowledgeGuideHitSerializer(many=True)


class KnowledgeCiteSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    entry = serializers.IntegerField()


class KnowledgeCitationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="version.title", read_only=True)
    number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = KnowledgeCitation
        fields = ["id", "ticket", "entry", "version", "number", "title", "at"]
        read_only_fields = fields


class KnowledgeUpkeepSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    published = serializers.IntegerField()
    past_review = serializers.IntegerField(help_text="Published, in force, review date passed")
    in_progress = serializers.IntegerField()


class KnowledgeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx workbook in the export's layout")
