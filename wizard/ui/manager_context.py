"""What the profile manager's actions may use of the window, named and passed explicitly.

Each action (`wizard.ui.profile_actions`, `connection_actions`, `aws_files_actions`) is a small object built with one
`ManagerContext`; it never reaches into the window. The window (`wizard.ui.manager.ProfileManagerWindow`) builds the
context from its own parts and runs one action at a time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

FAILED = object()  # what `ManagerContext.work` returns after telling the user what went wrong


@dataclass(frozen=True)
class ManagerContext:
    """The window's parts an action uses.

    `store`, `secret_store`: the profile file and the keychain (only ever used through `work`, off the GUI thread).
    `parent`: the window, parent of the dialogs. `selected()`: the selected profile or None. `profiles()`: the
    profiles the table shows. `work(busy_text, problem_title, fn, *args, saves=False, **kwargs)`: run blocking `fn`
    off the GUI thread with the actions disabled and progress shown; its result, or FAILED after telling the user.
    `busy(text)`: a context manager for the same busy state around several steps. `problem(title, exc)`: tell the
    user. `await_dialog(dialog)`: open a dialog and await its result code (closing the window rejects it).
    `status(text)`: the status bar's text. `reload(select_id=None)`: read the store again and show it (awaitable).
    `track(task)`: a task that closing the window cancels. `reports`: profile id -> text of the last report of this
    session. `backend()`: the keychain's name ("GNOME Keyring"). `tell(title, text, details)`: an information box.
    """

    store: Any
    secret_store: Any
    parent: Any
    selected: Callable[[], Any]
    profiles: Callable[[], list]
    work: Callable[..., Awaitable[Any]]
    busy: Callable[[str], Any]
    problem: Callable[[str, BaseException], None]
    await_dialog: Callable[[Any], Awaitable[int]]
    status: Callable[[str], None]
    reload: Callable[..., Awaitable[None]]
    track: Callable[[Any], Any]
    reports: dict
    backend: Callable[[], str]
    tell: Callable[[str, str, str], Any]


class ProfileAction:
    """An action on the selected profile: `run()` calls `on(profile)` when a profile is selected (nothing otherwise)."""

    def __init__(self, ctx: ManagerContext) -> None:
        self.ctx = ctx

    async def run(self) -> None:
        profile = self.ctx.selected()
        if profile is not None:
            await self.on(profile)

    async def on(self, profile) -> None:
        raise NotImplementedError

    async def under_new_name(self, question: tuple[str, str, str, list[str]], busy_text: str, problem_title: str,
                             service: Callable[[str], Any], *, unchanged: str = "", **work_kwargs) -> Any:
        """Ask for a name (`question`: title, label, suggestion, the names taken), then run `service(name)` off the GUI
        thread through `ctx.work`: its result, FAILED after telling the user, None when the user cancelled or answered
        `unchanged`."""
        from wizard.ui import manager_dialogs

        name = await manager_dialogs.ask_name(self.ctx.parent, *question)
        if not name or name == unchanged:
            return None
        return await self.ctx.work(busy_text, problem_title, service, name, **work_kwargs)
