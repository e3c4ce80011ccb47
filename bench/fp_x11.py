"""Closing a window for real under Xvfb, with no window manager, through libX11 (ctypes).

A window manager closes a window by sending it the ICCCM client message WM_PROTOCOLS /
WM_DELETE_WINDOW (what the title bar's x does). GDK handles that message itself, WM or
not: GTK emits delete-event, tao turns it into CloseRequested, and Tauri destroys the
window exactly as after a click on x. So this sends that message to every top-level
window on screen whose _NET_WM_PID (GDK sets it) is one of the given processes.
"""

import ctypes
import ctypes.util

_X = None


class _ClientMessage(ctypes.Structure):
    # XClientMessageEvent, padded to sizeof(XEvent) (24 longs).
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
        ("pad", ctypes.c_long * 12),
    ]


class _Attributes(ctypes.Structure):
    # XWindowAttributes
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
        ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
        ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]


IS_VIEWABLE = 2


def _lib():
    global _X
    if _X is None:
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        x = ctypes.CDLL(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XQueryTree.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
            ctypes.POINTER(ctypes.c_uint),
        ]
        x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
            ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
        ]
        x.XSendEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p,
        ]
        x.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_Attributes),
        ]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        _X = x
    return _X


def _pid_of(x, dpy, window, atom_pid):
    actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
    nitems, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
    status = x.XGetWindowProperty(
        dpy, window, atom_pid, 0, 1, 0, 6,  # XA_CARDINAL
        ctypes.byref(actual_type), ctypes.byref(actual_format), ctypes.byref(nitems),
        ctypes.byref(after), ctypes.byref(data),
    )
    pid = None
    if status == 0 and data.value:
        if nitems.value == 1 and actual_format.value == 32:
            pid = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0]
        x.XFree(data)
    return pid


def close_windows_of(display, pids):
    """Sends WM_DELETE_WINDOW to the mapped top-level windows of `pids` on `display` (":N");
    returns how many windows were asked to close."""
    x = _lib()
    dpy = x.XOpenDisplay(display.encode())
    if not dpy:
        raise RuntimeError(f"cannot open X display {display}")
    try:
        root = x.XDefaultRootWindow(dpy)
        atom_pid = x.XInternAtom(dpy, b"_NET_WM_PID", 0)
        protocols = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        delete = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        r, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        if not x.XQueryTree(dpy, root, ctypes.byref(r), ctypes.byref(parent),
                            ctypes.byref(children), ctypes.byref(count)):
            raise RuntimeError("XQueryTree failed")
        windows = [children[i] for i in range(count.value)]
        if children:
            x.XFree(children)
        asked = 0
        for window in windows:
            if _pid_of(x, dpy, window, atom_pid) not in pids:
                continue
            attributes = _Attributes()
            if not x.XGetWindowAttributes(dpy, window, ctypes.byref(attributes)):
                continue
            # Only the windows on screen (not GDK's hidden leader window, not popups).
            if attributes.map_state != IS_VIEWABLE or attributes.override_redirect:
                continue
            event = _ClientMessage()
            event.type = 33  # ClientMessage
            event.window = window
            event.message_type = protocols
            event.format = 32
            event.data[0] = delete
            event.data[1] = 0  # CurrentTime
            x.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
            asked += 1
        x.XFlush(dpy)
        return asked
    finally:
        x.XCloseDisplay(dpy)


if __name__ == "__main__":
    # `python3 bench/fp_x11.py :N PID...`: closes those processes' windows (the e2e tests too).
    import sys

    if len(sys.argv) < 3:
        sys.exit("usage: fp_x11.py DISPLAY PID...")
    print(close_windows_of(sys.argv[1], {int(p) for p in sys.argv[2:]}))
