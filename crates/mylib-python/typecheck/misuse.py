"""Misuses that `mypy --strict` must refuse: every line marked `# error` (and no other)."""

import mylib

mylib.greet(1)  # error
mylib.greet()  # error
mylib.sum(5)  # error
mylib.Calculator("1")  # error
mylib.Calculator().add("2")  # error
mylib.Calculator().value = 3.0  # error
mylib.create_user("1", "Ada", "ada@example.com")  # error
mylib.create_user(1, "Ada")  # error
mylib.create_user(1, "Ada", "a@b").id = 2  # error
mylib.fetch_data_sync(1)  # error
mylib.fetch_data_sync("http://x/", 30)  # error
mylib.fetch_data_sync("http://x/", timeout="30")  # error
mylib.fetch_data_sync("http://x/", headers=[("a", "b")])  # error
name: int = mylib.greet("x")  # error
