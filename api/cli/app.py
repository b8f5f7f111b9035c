import typer

app = typer.Typer(help="LuuTru: lưu trữ hồ sơ điện tử (electronic records archive).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
