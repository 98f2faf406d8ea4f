// The video call of a remote help session: WebRTC between the two pages, signalled through govhall.
// Offers, answers and ICE candidates are POSTed to help/<id>/signal/ and reach the other page through the
// session's event stream (or its poll), which help-live.js hands on as a "govhall:signal" event.
// Either side starts a call; the other answers with a click (nobody's camera turns on by itself). The
// centre's clerk may share the screen (getDisplayMedia; the video track is replaced, or added and
// renegotiated when there was none). When the camera or microphone is refused or missing, or the
// connection fails, the page says that video is not possible and points to the text chat and the phone.
// The peer connection's state is on data-connection-state (the browser tests wait on it).
(function () {
  "use strict";
  var root = document.getElementById("help-call");
  if (!root) return;
  var side = root.dataset.side;
  var polite = side !== "centre";  // when both offer at once, the applicant's page gives way
  var iceServers = JSON.parse(document.getElementById("help-ice-servers").textContent || "[]");
  var buttons = {};
  root.querySelectorAll("[data-call]").forEach(function (b) { buttons[b.dataset.call] = b; });
  var status = document.getElementById("call-status");
  var unavailable = document.getElementById("call-unavailable");
  var videos = document.getElementById("call-videos");
  var remoteVideo = document.getElementById("call-remote");
  var localVideo = document.getElementById("call-local");

  var pc = null;
  var local = null;  // the camera and microphone stream
  var screen = null;  // the shared screen's track
  var pendingOffer = null;  // an offer waiting for the user to answer
  var pendingCandidates = [];
  var makingOffer = false;

  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(key) { status.textContent = key ? root.dataset["text" + key] || "" : ""; }

  function show(name, visible) { if (buttons[name]) buttons[name].hidden = !visible; }

  function idle() {
    show("start", true);
    show("answer", false);
    show("share", false);
    show("hangup", false);
    videos.hidden = true;
  }

  function notPossible(reason, detail) {
    unavailable.hidden = false;
    root.dataset.unavailable = reason || "unavailable";
    if (detail) root.dataset.detail = detail;  // the browser's own words, for whoever supports the centre
  }

  // One signal at a time, in order: the offer is stored before its candidates, and a burst of ICE
  // candidates does not become a burst of concurrent writes. A failed post is tried once more.
  var queue = Promise.resolve();
  function post(kind, payload) {
    return fetch(root.dataset.signalUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ kind: kind, payload: payload || {} }),
    }).then(function (r) {
      if (r.status >= 500) throw new Error("signal " + r.status);
      return r;
    });
  }
  function send(kind, payload) {
    queue = queue
      .then(function () { return post(kind, payload).catch(function () { return post(kind, payload); }); })
      .catch(function () { /* the call fails and says so through the connection state */ });
    return queue;
  }

  function media() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error("no getUserMedia"));
    }
    return navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  }

  function connection() {
    pc = new RTCPeerConnection({ iceServers: iceServers });
    root.dataset.connectionState = pc.connectionState;
    pc.onicecandidate = function (event) {
      if (event.candidate) send("candidate", event.candidate.toJSON());
    };
    pc.ontrack = function (event) {
      if (remoteVideo.srcObject !== event.streams[0]) remoteVideo.srcObject = event.streams[0];
    };
    pc.onnegotiationneeded = function () {
      if (!pc || pc.connectionState !== "connected") return;  // the first offer is made by start()
      offer();
    };
    pc.onconnectionstatechange = function () {
      if (!pc) return;
      root.dataset.connectionState = pc.connectionState;
      if (pc.connectionState === "connected") say("Connected");
      if (pc.connectionState === "failed") {
        notPossible("failed");
        close(true);
      }
    };
    local.getTracks().forEach(function (track) { pc.addTrack(track, local); });
    localVideo.srcObject = local;
    videos.hidden = false;
    show("start", false);
    show("answer", false);
    show("share", true);
    show("hangup", true);
  }

  function offer() {
    makingOffer = true;
    return pc.setLocalDescription()
      .then(function () { return send(pc.localDescription.type, pc.localDescription.toJSON()); })
      .finally(function () { makingOffer = false; });
  }

  function start() {
    unavailable.hidden = true;
    media()
      .then(function (stream) {
        local = stream;
        connection();
        say("Calling");
        return offer();
      })
      .catch(function (error) {
        notPossible(error && error.name, error && error.message);
        close(false);
      });
  }

  function answer() {
    var description = pendingOffer;
    if (!description) return;  // the caller hung up meanwhile
    pendingOffer = null;
    unavailable.hidden = true;
    media()
      .then(function (stream) {
        local = stream;
        connection();
        say("Connecting");
        return accept(description);
      })
      .catch(function (error) {
        notPossible(error && error.name, error && error.message);
        close(true);  // the caller hears that it will not be answered
      });
  }

  function accept(description) {
    return pc.setRemoteDescription(description)
      .then(flushCandidates)
      .then(function () { return pc.setLocalDescription(); })
      .then(function () { return send(pc.localDescription.type, pc.localDescription.toJSON()); });
  }

  function flushCandidates() {
    var queued = pendingCandidates;
    pendingCandidates = [];
    return Promise.all(queued.map(function (c) { return pc.addIceCandidate(c).catch(function () {}); }));
  }

  function close(tell) {
    if (tell) send("hangup", {});
    if (pc) pc.close();
    pc = null;
    [local, screen && { getTracks: function () { return [screen]; } }].forEach(function (s) {
      if (s) s.getTracks().forEach(function (t) { t.stop(); });
    });
    local = screen = null;
    remoteVideo.srcObject = null;
    localVideo.srcObject = null;
    pendingCandidates = [];
    if (root.dataset.connectionState !== "failed") root.dataset.connectionState = "closed";
    idle();
  }

  function receive(signal) {
    var payload = signal.payload;
    if (signal.kind === "offer") {
      if (!pc) {  // a call comes in: the user answers or not
        pendingOffer = payload;
        show("start", false);
        show("answer", true);
        say("Ringing");
        return;
      }
      var collision = makingOffer || pc.signalingState !== "stable";
      if (collision && !polite) return;  // the centre's own offer goes on; the other page gives way
      accept(payload);
    } else if (signal.kind === "answer") {
      if (pc && pc.signalingState === "have-local-offer") pc.setRemoteDescription(payload).then(flushCandidates);
    } else if (signal.kind === "candidate") {
      if (pc && pc.remoteDescription) pc.addIceCandidate(payload).catch(function () {});
      else pendingCandidates.push(payload);
    } else if (signal.kind === "hangup") {
      pendingOffer = null;
      if (pc || !buttons.answer.hidden) say("Ended");
      close(false);
    }
  }

  function share() {
    if (!pc || !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      notPossible("no getDisplayMedia");
      return;
    }
    navigator.mediaDevices.getDisplayMedia({ video: true })
      .then(function (stream) {
        screen = stream.getVideoTracks()[0];
        var camera = local.getVideoTracks()[0] || null;
        var sender = pc.getSenders().find(function (s) { return s.track && s.track.kind === "video"; });
        if (sender) sender.replaceTrack(screen);
        else pc.addTrack(screen, local);  // no camera: a new track, renegotiated (negotiationneeded)
        localVideo.srcObject = stream;
        say("Sharing");
        screen.onended = function () {  // the browser's own "stop sharing"
          if (sender && pc) sender.replaceTrack(camera);
          localVideo.srcObject = local;
          screen = null;
          say("Connected");
        };
      })
      .catch(function () { /* the clerk chose not to share */ });
  }

  document.addEventListener("govhall:signal", function (event) {
    event.detail.forEach(function (signal) {
      try { receive(signal); } catch (error) { notPossible("signal"); }
    });
  });
  if (buttons.start) buttons.start.addEventListener("click", start);
  if (buttons.answer) buttons.answer.addEventListener("click", answer);
  if (buttons.share) buttons.share.addEventListener("click", share);
  if (buttons.hangup) buttons.hangup.addEventListener("click", function () { say("Ended"); close(true); });
  if (!window.RTCPeerConnection) notPossible("no RTCPeerConnection");
  idle();
})();
