from django.contrib import admin

from .models import Attempt, ExperimentRun, Participant, TaskAssignment


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ["name", "ordinal", "joined_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(ExperimentRun)
class ExperimentRunAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_open", "created_by", "created_at"]
    list_filter = ["is_open"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "seed", "created_by", "created_at"]
    inlines = [ParticipantInline]


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    fields = ["position", "task", "style", "parameters", "shown_at", "solved_at", "skipped_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "run", "ordinal", "joined_at"]
    list_filter = ["run"]
    search_fields = ["name", "run__code"]
    readonly_fields = ["run", "key", "ordinal", "seed", "joined_at"]
    inlines = [TaskAssignmentInline]


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["submitted_at", "correct", "code", "message", "answer", "variables"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(admin.ModelAdmin):
    list_display = ["participant", "position", "task", "style", "parameters", "shown_at", "solved_at", "skipped_at"]
    list_filter = ["style", "parameters", "participant__run"]
    search_fields = ["participant__name", "task"]
    readonly_fields = ["participant", "position", "task", "style", "parameters"]
    inlines = [AttemptInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["assignment", "submitted_at", "correct", "code"]
    list_filter = ["correct", "code"]
    search_fields = ["assignment__participant__name", "answer"]
    readonly_fields = ["assignment", "submitted_at", "answer", "variables", "correct", "code", "message"]
