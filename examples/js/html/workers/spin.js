// Says so, then loops forever: only terminate() stops it.
postMessage("spinning");
for (;;) {}
