// Imports the script each message names and reports what importScripts threw.
onmessage = function (e) {
  try {
    importScripts(e.data);
    postMessage("imported " + e.data);
  } catch (err) {
    postMessage(err.name + " " + err.code + " " + err.message);
  }
};
