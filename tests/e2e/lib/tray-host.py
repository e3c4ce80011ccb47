#!/usr/bin/python3
"""A desktop tray of the test's own: org.kde.StatusNotifierWatcher on the session bus, with a
host registered, so a StatusNotifierItem registers with it as with a real panel.

It prints JSON lines on stdout:
  {"event": "ready"}                                  it owns the watcher's name
  {"event": "registered", "service": …, "path": …}    an item registered
  {"event": "item", …}                                answer to `inspect`
  {"event": "clicked", "label": …, "id": …}           answer to `click`
and reads commands on stdin:
  inspect         the registered item's Id, Title, Status, ToolTip, icon sizes, and its
                  menu (com.canonical.dbusmenu GetLayout): labels and enabled flags
  click <label>   sends the menu's Event(id, "clicked") for the item labelled <label>
It exits when stdin closes, and refuses to start when a watcher already runs.
Needs Debian's python3-dbus and python3-gi (bash .ci/setup test).
"""

import json
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
PROPS = "org.freedesktop.DBus.Properties"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


def say(**fields):
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def plain(value):
    """dbus values to JSON-able ones."""
    if isinstance(value, (dbus.String, dbus.ObjectPath)):
        return str(value)
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64, dbus.Byte, dbus.Int16)):
        return int(value)
    if isinstance(value, (dbus.Array, list)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Struct, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    return value


class Watcher(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.bus = bus
        self.items = []

    @dbus.service.method(NAME, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        service = str(service)
        if service.startswith("/"):
            name, path = sender, service
        else:
            name, path = service, "/StatusNotifierItem"
        self.items.append((name, path))
        say(event="registered", service=name, path=path)
        self.StatusNotifierItemRegistered(f"{name}{path}")

    @dbus.service.method(NAME, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(NAME, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.signal(NAME, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    def props(self):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(
                [f"{n}{p}" for n, p in self.items], signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return self.props()[str(prop)]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self.props()

    # The item's side, for the commands.
    def item(self):
        if not self.items:
            raise RuntimeError("no item registered")
        name, path = self.items[-1]
        return self.bus.get_object(name, path, introspect=False), name

    def menu(self):
        obj, name = self.item()
        menu_path = obj.Get(ITEM, "Menu", dbus_interface=PROPS)
        menu = self.bus.get_object(name, menu_path, introspect=False)
        _revision, layout = menu.GetLayout(0, -1, dbus.Array([], signature="s"), dbus_interface=MENU)
        entries = []
        for child in layout[2]:
            cid, cprops = int(child[0]), child[1]
            entries.append({
                "id": cid,
                "label": str(cprops.get("label", "")),
                "enabled": bool(cprops.get("enabled", True)),
                "type": str(cprops.get("type", "standard")),
            })
        return menu, entries

    def inspect(self):
        obj, _ = self.item()
        props = obj.GetAll(ITEM, dbus_interface=PROPS)
        _menu, entries = self.menu()
        tooltip = props.get("ToolTip")
        say(event="item", id=str(props.get("Id", "")), title=str(props.get("Title", "")),
            status=str(props.get("Status", "")),
            tooltip={"title": str(tooltip[2]), "description": str(tooltip[3])} if tooltip else None,
            icons=[[int(w), int(h), len(d)] for w, h, d in props.get("IconPixmap", [])],
            menu=[e for e in entries if e["type"] != "separator"])

    def click(self, label):
        menu, entries = self.menu()
        for e in entries:
            if e["label"] == label:
                menu.Event(dbus.Int32(e["id"]), "clicked", dbus.String("", variant_level=1),
                           dbus.UInt32(int(time.time())), dbus_interface=MENU)
                say(event="clicked", label=label, id=e["id"])
                return
        say(event="error", message=f"no menu item {label!r} in {entries}")


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    if bus.name_has_owner(NAME):
        say(event="error", message=f"{NAME} already has an owner: refusing to stand in for it")
        sys.exit(1)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    watcher = Watcher(bus)
    loop = GLib.MainLoop()

    def on_stdin(source, condition):
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        words = line.strip().split(" ", 1)
        try:
            if words[0] == "inspect":
                watcher.inspect()
            elif words[0] == "click" and len(words) == 2:
                watcher.click(words[1])
            else:
                say(event="error", message=f"unknown command {line.strip()!r}")
        except Exception as e:  # the test reads it and fails with it
            say(event="error", message=f"{type(e).__name__}: {e}")
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    say(event="ready")
    loop.run()
    del name


if __name__ == "__main__":
    main()
