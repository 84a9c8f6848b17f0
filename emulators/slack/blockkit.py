"""Block Kit validation: the limits Slack enforces on messages, modals and Home tabs.

Pure functions. Each returns the problems found as Slack words them, ``"<what> [json-pointer:<where>]"``,
an empty list meaning valid. Callers turn the list into ``invalid_blocks`` (chat.*, response_url) or
``invalid_arguments`` (views.*), as Slack does.

Only what Slack documents as a limit is checked; anything Slack accepts must pass here, so rules are not
invented: action_id is unique within its block (Slack's documented scope: a modal with one
``action_id: "value"`` per input block is valid), block_id within the message or view.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100

TEXT_TYPES = ("plain_text", "mrkdwn")
TEXT_KEYS = {"plain_text": {"type", "text", "emoji"}, "mrkdwn": {"type", "text", "verbatim"}}

SELECTS = {
    f"{multi}{kind}_select"
    for multi in ("", "multi_")
    for kind in ("static", "external", "users", "conversations", "channels")
}
PICKERS = {"datepicker", "timepicker", "datetimepicker"}
CHOICES = {"checkboxes", "radio_buttons"}
TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"}

# Which element may sit where (Block Kit reference, "Compatible blocks" of each element).
ACTION_ELEMENTS = {"button", "overflow", "workflow_button", "rich_text_input"} | SELECTS | PICKERS | CHOICES
ACCESSORY_ELEMENTS = {"button", "overflow", "image", "workflow_button", "datepicker", "timepicker"} | SELECTS | CHOICES
INPUT_ELEMENTS = {"file_input"} | SELECTS | PICKERS | CHOICES | TEXT_INPUTS
CONTEXT_ELEMENTS = {"image", *TEXT_TYPES}

BLOCK_KEYS = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "header": {"type", "block_id", "text"},
    "divider": {"type", "block_id"},
    "context": {"type", "block_id", "elements"},
    "actions": {"type", "block_id", "elements"},
    "input": {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"},
    "image": {"type", "block_id", "image_url", "slack_file", "alt_text", "title"},
    "rich_text": {"type", "block_id", "elements"},
    "markdown": {"type", "block_id", "text"},
    "video": {
        "type",
        "block_id",
        "alt_text",
        "author_name",
        "description",
        "provider_icon_url",
        "provider_name",
        "title",
        "title_url",
        "thumbnail_url",
        "video_url",
    },
    "file": {"type", "block_id", "external_id", "source"},
}


def validate_blocks(blocks: Any, *, limit: int = MESSAGE_BLOCKS, at: str = "/blocks") -> list[str]:
    """The blocks of a message (``limit`` 50) or, with ``limit=100``, of a view."""
    return _Check().blocks(blocks, limit, at)


def validate_view(view: Any, *, at: str = "/view") -> list[str]:
    """A modal or Home tab view payload, including its blocks."""
    return _Check().view(view, at)


class _Check:
    """One validation pass; remembers the block_ids seen so far so duplicates are caught."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.block_ids: set[str] = set()

    def fail(self, message: str, at: str) -> None:
        self.errors.append(f"{message} [json-pointer:{at}]")

    # -- building blocks of the checks -----------------------------------------------------------
    def length(self, value: Any, maximum: int, at: str, minimum: int = 0) -> None:
        if not isinstance(value, str):
            self.fail("must be a string", at)
        elif len(value) > maximum:
            self.fail(f"must be less than {maximum + 1} characters", at)
        elif len(value) < minimum:
            self.fail(f"must be more than {minimum - 1} characters", at)

    def optional_length(self, obj: dict[str, Any], key: str, maximum: int, at: str) -> None:
        if key in obj:
            self.length(obj[key], maximum, f"{at}/{key}")

    def required(self, obj: dict[str, Any], keys: tuple[str, ...], at: str) -> bool:
        missing = [key for key in keys if key not in obj]
        for key in missing:
            self.fail(f"missing required field: {key}", at)
        return not missing

    def array(self, value: Any, maximum: int, at: str, minimum: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.fail("must be an array", at)
            return []
        if len(value) > maximum:
            self.fail(f"no more than {maximum} items allowed", at)
        elif len(value) < minimum:
            self.fail(f"must provide at least {minimum} items", at)
        return value

    def extra_keys(self, obj: dict[str, Any], allowed: set[str], at: str) -> None:
        for key in sorted(set(obj) - allowed):
            self.fail(f"invalid additional property: {key}", f"{at}/{key}")

    def text(self, obj: Any, maximum: int, at: str, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail("must be an object", at)
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else TEXT_TYPES
        if kind not in allowed:
            self.fail("must be a valid enum value", f"{at}/type")
            return
        self.extra_keys(obj, TEXT_KEYS[kind], at)
        if self.required(obj, ("text",), at):
            self.length(obj["text"], maximum, f"{at}/text", minimum=1)

    def optional_text(self, obj: dict[str, Any], key: str, maximum: int, at: str, *, plain_only: bool = True) -> None:
        if key in obj:
            self.text(obj[key], maximum, f"{at}/{key}", plain_only=plain_only)

    def block_id(self, block: dict[str, Any], at: str) -> None:
        if "block_id" not in block:
            return
        block_id = block["block_id"]
        self.length(block_id, 255, f"{at}/block_id", minimum=1)
        if block_id in self.block_ids:
            self.fail(f"duplicate block_id: {block_id}", f"{at}/block_id")
        self.block_ids.add(block_id)

    # -- surfaces --------------------------------------------------------------------------------
    def blocks(self, blocks: Any, limit: int, at: str) -> list[str]:
        for index, block in enumerate(self.array(blocks, limit, at, minimum=0)):
            self.block(block, f"{at}/{index}")
        return self.errors

    def view(self, view: Any, at: str) -> list[str]:
        if not isinstance(view, dict):
            self.fail("must be an object", at)
            return self.errors
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.fail("must be a valid enum value", f"{at}/type")
            return self.errors
        if self.required(view, ("blocks",), at):
            self.blocks(view["blocks"], VIEW_BLOCKS, f"{at}/blocks")
        if kind == "modal":
            if self.required(view, ("title",), at):
                self.text(view["title"], 24, f"{at}/title", plain_only=True)
            self.optional_text(view, "close", 24, at)
            self.optional_text(view, "submit", 24, at)
            has_inputs = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
            if has_inputs and "submit" not in view:
                self.fail("submit is required when an input block is within the blocks array", f"{at}/submit")
        self.optional_length(view, "private_metadata", 3000, at)
        self.optional_length(view, "callback_id", 255, at)
        self.optional_length(view, "external_id", 255, at)
        return self.errors

    # -- blocks ----------------------------------------------------------------------------------
    def block(self, block: Any, at: str) -> None:
        if not isinstance(block, dict):
            self.fail("must be an object", at)
            return
        kind = block.get("type")
        if kind not in BLOCK_KEYS:
            self.fail(f"unsupported type: {kind}", f"{at}/type")
            return
        self.extra_keys(block, BLOCK_KEYS[kind], at)
        self.block_id(block, at)
        getattr(self, f"block_{kind}")(block, at)

    def block_section(self, block: dict[str, Any], at: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail("must provide either text or fields", at)
        self.optional_text(block, "text", 3000, at, plain_only=False)
        if "fields" in block:
            for index, field in enumerate(self.array(block["fields"], 10, f"{at}/fields")):
                self.text(field, 2000, f"{at}/fields/{index}")
        if "accessory" in block:
            self.element(block["accessory"], ACCESSORY_ELEMENTS, f"{at}/accessory", set())

    def block_header(self, block: dict[str, Any], at: str) -> None:
        if self.required(block, ("text",), at):
            self.text(block["text"], 150, f"{at}/text", plain_only=True)

    def block_divider(self, block: dict[str, Any], at: str) -> None:
        """A divider has nothing but its type and block_id."""

    def block_context(self, block: dict[str, Any], at: str) -> None:
        if not self.required(block, ("elements",), at):
            return
        for index, element in enumerate(self.array(block["elements"], 10, f"{at}/elements")):
            where = f"{at}/elements/{index}"
            if isinstance(element, dict) and element.get("type") in TEXT_TYPES:
                self.text(element, 3000, where)
            else:
                self.element(element, CONTEXT_ELEMENTS, where, set())

    def block_actions(self, block: dict[str, Any], at: str) -> None:
        if not self.required(block, ("elements",), at):
            return
        action_ids: set[str] = set()
        for index, element in enumerate(self.array(block["elements"], 25, f"{at}/elements")):
            self.element(element, ACTION_ELEMENTS, f"{at}/elements/{index}", action_ids)

    def block_input(self, block: dict[str, Any], at: str) -> None:
        if not self.required(block, ("label", "element"), at):
            return
        self.text(block["label"], 2000, f"{at}/label", plain_only=True)
        self.optional_text(block, "hint", 2000, at)
        self.element(block["element"], INPUT_ELEMENTS, f"{at}/element", set())

    def block_image(self, block: dict[str, Any], at: str) -> None:
        self.image(block, at)
        self.optional_text(block, "title", 2000, at)

    def block_rich_text(self, block: dict[str, Any], at: str) -> None:
        if self.required(block, ("elements",), at):
            self.array(block["elements"], 1000, f"{at}/elements", minimum=0)

    def block_markdown(self, block: dict[str, Any], at: str) -> None:
        if self.required(block, ("text",), at):
            self.length(block["text"], 12000, f"{at}/text", minimum=1)

    def block_video(self, block: dict[str, Any], at: str) -> None:
        if self.required(block, ("alt_text", "title", "video_url", "thumbnail_url"), at):
            self.text(block["title"], 200, f"{at}/title", plain_only=True)

    def block_file(self, block: dict[str, Any], at: str) -> None:
        self.required(block, ("external_id", "source"), at)

    # -- elements --------------------------------------------------------------------------------
    def element(self, element: Any, allowed: set[str], at: str, action_ids: set[str]) -> None:
        if not isinstance(element, dict):
            self.fail("must be an object", at)
            return
        kind = element.get("type")
        if kind not in allowed:
            self.fail(f"unsupported type: {kind}", f"{at}/type")
            return
        if "action_id" in element:
            action_id = element["action_id"]
            self.length(action_id, 255, f"{at}/action_id", minimum=1)
            if action_id in action_ids:
                self.fail(f"duplicate action_id: {action_id}", f"{at}/action_id")
            action_ids.add(action_id)
        if kind == "button":
            self.button(element, at)
        elif kind == "image":
            self.image(element, at)
        elif kind == "overflow":
            self.options(element, at, maximum=5)
        elif kind in CHOICES or kind in ("static_select", "multi_static_select"):
            self.options(element, at, maximum=10 if kind in CHOICES else 100)
        if "placeholder" in element:
            self.text(element["placeholder"], 150, f"{at}/placeholder", plain_only=True)
        if "confirm" in element:
            self.confirm(element["confirm"], f"{at}/confirm")

    def button(self, button: dict[str, Any], at: str) -> None:
        if self.required(button, ("text",), at):
            self.text(button["text"], 75, f"{at}/text", plain_only=True)
        self.optional_length(button, "value", 2000, at)
        self.optional_length(button, "url", 3000, at)
        self.optional_length(button, "accessibility_label", 75, at)
        if "style" in button and button["style"] not in ("primary", "danger"):
            self.fail("must be a valid enum value", f"{at}/style")

    def image(self, image: dict[str, Any], at: str) -> None:
        if "image_url" not in image and "slack_file" not in image:
            self.fail("must provide either image_url or slack_file", at)
        self.optional_length(image, "image_url", 3000, at)
        if self.required(image, ("alt_text",), at):
            self.length(image["alt_text"], 2000, f"{at}/alt_text")

    def options(self, element: dict[str, Any], at: str, maximum: int) -> None:
        if "option_groups" in element:
            for index, group in enumerate(self.array(element["option_groups"], 100, f"{at}/option_groups")):
                if isinstance(group, dict) and self.required(
                    group, ("label", "options"), f"{at}/option_groups/{index}"
                ):
                    self.option_list(group["options"], maximum, f"{at}/option_groups/{index}/options")
        elif self.required(element, ("options",), at):
            self.option_list(element["options"], maximum, f"{at}/options")

    def option_list(self, options: Any, maximum: int, at: str) -> None:
        for index, option in enumerate(self.array(options, maximum, at)):
            where = f"{at}/{index}"
            if not isinstance(option, dict):
                self.fail("must be an object", where)
            elif self.required(option, ("text", "value"), where):
                self.text(option["text"], 75, f"{where}/text")
                self.length(option["value"], 150, f"{where}/value", minimum=1)
                self.optional_text(option, "description", 75, where)

    def confirm(self, confirm: Any, at: str) -> None:
        if not isinstance(confirm, dict):
            self.fail("must be an object", at)
            return
        if self.required(confirm, ("title", "text", "confirm", "deny"), at):
            self.text(confirm["title"], 100, f"{at}/title", plain_only=True)
            self.text(confirm["text"], 300, f"{at}/text")
            self.text(confirm["confirm"], 30, f"{at}/confirm", plain_only=True)
            self.text(confirm["deny"], 30, f"{at}/deny", plain_only=True)
