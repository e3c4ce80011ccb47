#!/usr/bin/python3
"""A notification server of the test's own: org.freedesktop.Notifications on the session bus.

Each Notify call is printed on stdout as one JSON line
  {"event": "notify", "id": 1, "appName": …, "summary": …, "body": …, "actions": […]}
and a line on stdin drives it:
  invoke <id> <action-key>   emits ActionInvoked(id, key) (what a click on the notification does)
  close <id>                 emits NotificationClosed(id, 2) (dismissed by the user)
It prints {"event": "ready"} once it owns the name, and exits when stdin closes. It refuses
to start when another server already owns the name (so a test never talks to a real one).
Needs Debian's python3-dbus and python3-gi (bash .ci/setup test).
"""

import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def say(**fields):
    print(json.dumps(fields, ensure_ascii=False), flush=True)


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.last_id = 0

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        self.last_id = int(replaces_id) or self.last_id + 1
        say(event="notify", id=self.last_id, appName=str(app_name), summary=str(summary),
            body=str(body), actions=[str(a) for a in actions])
        return dbus.UInt32(self.last_id)

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("shomei-e2e", "shomei", "1", "1.2")

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, dbus.UInt32(3))

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, nid, action_key):
        pass

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    reply = bus.request_name(NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    if reply != dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER:
        say(event="error", message=f"{NAME} is already owned on this bus (reply {reply})")
        return 1
    server = Server(bus)
    loop = GLib.MainLoop()

    def on_stdin(channel, condition):
        if condition & (GLib.IO_HUP | GLib.IO_ERR):
            loop.quit()
            return False
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        words = line.split()
        if len(words) == 3 and words[0] == "invoke":
            server.ActionInvoked(dbus.UInt32(int(words[1])), words[2])
            say(event="invoked", id=int(words[1]), action=words[2])
        elif len(words) == 2 and words[0] == "close":
            server.NotificationClosed(dbus.UInt32(int(words[1])), dbus.UInt32(2))
            say(event="closed", id=int(words[1]))
        else:
            say(event="error", message=f"unknown command {line.strip()!r}")
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)
    say(event="ready", unique=str(bus.get_unique_name()))
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
