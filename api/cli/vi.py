"""The CLI framework's own words (Click, Typer) in Vietnamese: "Show this message and exit.",
"Options", "[required]", "No such command"… Both look their messages up through
``gettext`` when they print them, so their lookups are pointed at this table; Typer's panel
titles are constants read at import, so those are set here too."""
from __future__ import annotations

import gettext

VI = {
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Arguments": "Tham số",
    "Positional arguments": "Tham số",
    "Commands": "Lệnh",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Aborted!": "Đã dừng.",
    "Aborted.": "Đã dừng.",
    "[required]": "[bắt buộc]",
    "required": "bắt buộc",
    "[default: {}]": "[mặc định: {}]",
    "default: {default}": "mặc định: {default}",
    "[env var: {}]": "[biến môi trường: {}]",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc chạy)",
    "(deprecated) ": "(không dùng nữa) ",
    "deprecated": "không dùng nữa",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/].",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such option: {name}": "Không có tùy chọn: {name}",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Missing command.": "Thiếu lệnh.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ của {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các tham số ({args})",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc các giá trị {choices}.",
    "{value!r} is not {choice}.": "{value!r} không phải là {choice}.",
    "{value!r} does not match the format {format}.": "{value!r} không đúng định dạng {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} không đúng các định dạng {formats}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị đúng/sai. Các giá trị nhận: {states}",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "Do you want to continue?": "Bạn có muốn tiếp tục?",
}
TYPER_CONSTANTS = {"DEPRECATED_STRING": "(deprecated) ", "DEFAULT_STRING": "[default: {}]",
                   "ENVVAR_STRING": "[env var: {}]", "REQUIRED_LONG_STRING": "[required]",
                   "ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
                   "COMMANDS_PANEL_TITLE": "Commands", "ERRORS_PANEL_TITLE": "Error", "ABORTED_TEXT": "Aborted.",
                   "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help."}


def vi(message: str) -> str:
    return VI.get(message, gettext.gettext(message))


def vi_plural(singular: str, plural: str, n: int) -> str:
    return vi(singular if n == 1 else plural)


def install() -> None:
    """Point Click's and Typer's message lookups at the Vietnamese table (idempotent)."""
    import importlib
    for name in ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.types", "click.termui", "click.utils", "typer.core", "typer.rich_utils"):
        try:
            module = importlib.import_module(name)
        except ImportError:          # Typer without the real Click
            continue
        if hasattr(module, "_"):
            module._ = vi
        if hasattr(module, "ngettext"):
            module.ngettext = vi_plural
    rich_utils = importlib.import_module("typer.rich_utils")
    for constant, english in TYPER_CONSTANTS.items():
        setattr(rich_utils, constant, VI[english])
    _install_vendored_click()


# Typer ≥ 0.20 carries its own copy of Click (typer._click) with these words written in the
# code: they are put into Vietnamese where they are made, before Rich lays out the panels.
PHRASES = (("Missing option", "Thiếu tùy chọn"), ("Missing argument", "Thiếu tham số"),
           ("Missing parameter", "Thiếu tham số"), ("No such option", "Không có tùy chọn"),
           ("No such command", "Không có lệnh"), ("Got unexpected extra argument(s)", "Thừa tham số"),
           ("Got unexpected extra argument", "Thừa tham số"), ("Invalid value for", "Giá trị không hợp lệ của"),
           ("Invalid value", "Giá trị không hợp lệ"), ("is not a valid", "không hợp lệ:"),
           ("is not one of", "không thuộc"), ("does not match the format", "không đúng định dạng"),
           ("Did you mean", "Có phải ý bạn là"), ("Try '", "Xem hướng dẫn: '"), ("' for help.", "'."),
           ("Error: ", "Lỗi: "), ("does not exist", "không tồn tại"))
USAGE_WORDS = (("[OPTIONS]", "[TÙY CHỌN]"), ("COMMAND [ARGS]...", "LỆNH [THAM SỐ]..."))


def phrases_vi(text: str) -> str:
    for english, vietnamese in PHRASES:
        text = text.replace(english, vietnamese)
    return text


def _install_vendored_click() -> None:
    try:
        from typer._click import core, exceptions, formatting
    except ImportError:              # an older Typer on the real Click: the gettext table covers it
        return
    if getattr(formatting.HelpFormatter.write_usage, "vietnamese", False):
        return
    write_usage = formatting.HelpFormatter.write_usage

    def write_usage_vi(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in USAGE_WORDS:
            args = args.replace(english, vietnamese)
        write_usage(self, prog, args, VI["Usage:"] + " " if prefix is None else prefix)
    write_usage_vi.vietnamese = True
    formatting.HelpFormatter.write_usage = write_usage_vi

    get_help_option = core.Command.get_help_option

    def get_help_option_vi(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = VI["Show this message and exit."]
        return option
    core.Command.get_help_option = get_help_option_vi

    def subclasses(cls):
        return [cls] + [s for sub in cls.__subclasses__() for s in subclasses(sub)]
    for cls in subclasses(exceptions.ClickException):
        if "format_message" in vars(cls):
            original = vars(cls)["format_message"]
            cls.format_message = (lambda f: lambda self: phrases_vi(f(self)))(original)
