"""Domain core of LuuTru: catalog, storage, packages, retention, transfer, destruction, audit."""
