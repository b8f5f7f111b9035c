import typer

from api.cli.vi import install as speak_vietnamese

speak_vietnamese()

app = typer.Typer(help="LuuTru: lưu trữ hồ sơ điện tử.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
