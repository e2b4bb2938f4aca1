// Seat-map page: pick a showtime, pick seats, hold, confirm or cancel, and watch everyone's holds and sales arrive
// live through the hub (SeatsChanged with a version: a gap means a missed change, so the seat map is read again).
// Plain browser JavaScript with one dependency, the official SignalR client, served from this host.
(() => {
  'use strict';

  const MAX_SEATS = 10; // the API's default Booking:MaxSeatsPerBooking; the API has the last word (400)
  const ACTIVE = ['pending', 'held'];
  const GAP_WAIT_MS = 1500;   // how long a later seat change waits for the missing ones before the map is read again
  const STATUS_TEXT = {
    pending: 'Pending: waiting for the booking system',
    held: 'Held for you',
    confirmed: 'Confirmed: the seats are yours',
    rejected: 'Rejected',
    cancelled: 'Cancelled',
    expired: 'Expired: the hold ran out',
  };
  const REASON_TEXT = {
    seats_taken: 'someone else got one of the seats first',
    expired: 'the hold ran out before the confirmation',
    unknown_seats: 'the seats do not exist',
    processing_failed: 'the booking could not be processed',
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    signIn: $('sign-in'), signInPanel: $('sign-in-panel'), signedInPanel: $('signed-in-panel'),
    name: $('customer-name'), customerLabel: $('customer-label'), signOut: $('sign-out'),
    showtime: $('showtime'), showtimeSummary: $('showtime-summary'),
    map: $('seat-map'), hold: $('hold'), clear: $('clear'),
    bookingPanel: $('booking-panel'), bookingSeats: $('booking-seats'), bookingStatus: $('booking-status'),
    countdownLabel: $('countdown-label'), countdownValue: $('countdown-value'), countdown: $('countdown'),
    confirm: $('confirm'), cancel: $('cancel'), dismiss: $('dismiss'),
    message: $('message'), live: $('live-state'), liveText: $('live-text'),
  };

  const state = {
    config: { hubUrl: '/hubs/booking' },
    token: null,
    customer: null,
    showtimes: [],
    showtimeId: null,
    seatMap: null,              // { version, seats: Map(seatId -> seat) }
    buttons: new Map(),         // seatId -> button
    focusSeat: null,            // the seat that Tab lands on (roving tabindex)
    selected: new Set(),
    bookings: new Map(),        // bookingId -> booking (the GET /api/bookings/{id} body)
    activeBookingId: null,
    loading: null,              // the seat-map read in flight, if any
    buffered: [],               // SeatsChanged that arrived during that read
    ahead: new Map(),           // version -> SeatsChanged that came before the versions between
    gapTimer: null,
    connection: null,
    clockSkewMs: 0,             // server clock minus this browser's clock
    warnedMinute: false,
  };

  // ---- HTTP ------------------------------------------------------------------------------------

  async function api(method, path, body, headers = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (state.token) init.headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const date = response.headers.get('Date');
    if (date) state.clockSkewMs = new Date(date).getTime() - Date.now();
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (response.status === 401 && state.token) {
      signOut('Your sign-in ran out. Sign in again to go on.');
    }
    return { status: response.status, data, headers: response.headers };
  }

  function problemText(result, fallback) {
    const problem = result.data || {};
    if (problem.errors) return Object.values(problem.errors).flat().join(' ');
    return problem.detail || problem.title || fallback;
  }

  // ---- messages ---------------------------------------------------------------------------------

  function say(text, isError = false) {
    el.message.textContent = text;
    el.message.classList.toggle('error', isError);
  }

  // ---- sign-in ----------------------------------------------------------------------------------

  async function signIn(name) {
    const result = await api('POST', '/dev/tokens', { subject: name });
    if (result.status !== 200) {
      say(result.status === 404 ? 'Demo sign-in is turned off on this server.' : problemText(result, 'Could not sign in.'), true);
      return;
    }
    state.token = result.data.accessToken;
    state.customer = name;
    sessionStorage.setItem('booking.session', JSON.stringify({ token: state.token, customer: name }));
    renderSession();
    say(`Signed in as ${name}.`);
    await restoreBookings();
    await connectHub();
  }

  function signOut(text) {
    sessionStorage.removeItem('booking.session');
    state.token = null;
    state.customer = null;
    state.bookings.clear();
    state.activeBookingId = null;
    state.selected.clear();
    if (state.connection) state.connection.stop();
    state.connection = null;
    setLive('offline');
    renderSession();
    renderSeats();
    renderBooking();
    if (text) say(text, true);
  }

  function renderSession() {
    const signedIn = Boolean(state.token);
    el.signInPanel.hidden = signedIn;
    el.signedInPanel.hidden = !signedIn;
    el.customerLabel.textContent = state.customer || '';
    renderActions();
  }

  function bookingsKey() { return `booking.bookings.${state.customer}`; }

  function rememberBooking(bookingId, showtimeId) {
    const known = JSON.parse(localStorage.getItem(bookingsKey()) || '[]').filter((b) => b.bookingId !== bookingId);
    known.push({ bookingId, showtimeId });
    localStorage.setItem(bookingsKey(), JSON.stringify(known.slice(-50)));
  }

  /** Reads back this customer's earlier bookings (this browser's), so their seats show as theirs. */
  async function restoreBookings() {
    const known = JSON.parse(localStorage.getItem(bookingsKey()) || '[]');
    await Promise.all(known.map(async ({ bookingId }) => {
      const result = await api('GET', `/api/bookings/${bookingId}`);
      if (result.status === 200) updateBooking(result.data);
    }));
    const active = [...state.bookings.values()]
      .filter((b) => same(b.showtimeId, state.showtimeId) && ACTIVE.includes(b.status));
    if (active.length > 0) state.activeBookingId = active[active.length - 1].bookingId;
    renderSeats();
    renderBooking();
  }

  // ---- the hub ----------------------------------------------------------------------------------

  function setLive(mode) {
    el.live.dataset.state = mode;
    el.liveText.textContent = { live: 'Live', connecting: 'Connecting…', offline: state.token ? 'Offline' : 'Sign in for live updates' }[mode];
  }

  async function connectHub() {
    if (!state.token || typeof signalR === 'undefined') return;
    if (state.connection) await state.connection.stop();
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(state.config.hubUrl, { accessTokenFactory: () => state.token })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on('SeatsChanged', onSeatsChanged);
    connection.on('BookingUpdated', (booking) => {
      updateBooking(booking);
      renderSeats();
      renderBooking();
    });
    connection.onreconnecting(() => setLive('connecting'));
    connection.onreconnected(async () => {
      setLive('live');
      await watch(state.showtimeId);
      await loadSeatMap();       // changes made while away are in the fresh map
      await refreshActiveBooking();
    });
    connection.onclose(() => { if (state.connection === connection) setLive('offline'); });
    state.connection = connection;
    setLive('connecting');
    try {
      await connection.start();
      setLive('live');
      await watch(state.showtimeId);
      await loadSeatMap();
    } catch (error) {
      setLive('offline');
      say('Live updates are unavailable right now; the seat map still works, reload to see others’ changes.', true);
    }
  }

  async function watch(showtimeId, previous) {
    const connection = state.connection;
    if (!connection || connection.state !== signalR.HubConnectionState.Connected) return;
    if (previous) await connection.invoke('UnwatchShowtime', previous).catch(() => {});
    if (showtimeId) await connection.invoke('WatchShowtime', showtimeId);
  }

  function onSeatsChanged(change) {
    if (!same(change.showtimeId, state.showtimeId)) return;
    if (state.loading) {
      state.buffered.push(change);
      return;
    }
    applyChange(change);
  }

  /**
   * Applies changes in version order. Delivery is at-least-once and not always in order: a version already applied
   * is dropped, a later one waits for the versions between, and a gap still open after a moment means a change was
   * missed, so the seat map is read again.
   */
  function applyChange(change) {
    const map = state.seatMap;
    if (!map || change.version <= map.version) return;
    state.ahead.set(change.version, change);
    const takenFromMe = [];
    for (let next = state.ahead.get(map.version + 1); next; next = state.ahead.get(map.version + 1)) {
      state.ahead.delete(next.version);
      map.version = next.version;
      for (const { seatId, status } of next.seats) {
        const seat = map.seats.get(seatId);
        if (!seat) continue;
        seat.status = status;
        if (status !== 'available' && state.selected.delete(seatId) && !isMine(seatId)) takenFromMe.push(seatId);
      }
    }
    if (state.ahead.size === 0) {
      clearTimeout(state.gapTimer);
      state.gapTimer = null;
    } else if (!state.gapTimer) {
      state.gapTimer = setTimeout(() => {
        state.gapTimer = null;
        if (state.ahead.size > 0) loadSeatMap();
      }, GAP_WAIT_MS);
    }
    if (takenFromMe.length > 0) {
      say(`${seatList(takenFromMe)} just got taken by someone else and left your selection.`, true);
    }
    renderSeats();
  }

  // ---- showtimes and the seat map ---------------------------------------------------------------

  async function loadShowtimes() {
    const result = await api('GET', '/api/showtimes');
    state.showtimes = result.status === 200 ? result.data : [];
    el.showtime.replaceChildren(...state.showtimes.map((s) => {
      const option = document.createElement('option');
      option.value = s.id;
      option.textContent = `${s.movie} · ${s.auditorium} · ${formatDate(s.startsAt)}`;
      return option;
    }));
    if (state.showtimes.length === 0) {
      const option = document.createElement('option');
      option.textContent = 'No showtimes yet';
      el.showtime.replaceChildren(option);
      el.showtime.disabled = true;
      el.map.replaceChildren(hint('No showtimes yet. An admin creates them with POST /api/showtimes.'));
      return;
    }
    const wanted = new URLSearchParams(location.search).get('showtime');
    const pick = state.showtimes.find((s) => same(s.id, wanted)) || state.showtimes[0];
    el.showtime.value = pick.id;
    await selectShowtime(pick.id);
  }

  async function selectShowtime(showtimeId) {
    const previous = state.showtimeId;
    state.showtimeId = showtimeId;
    state.seatMap = null;
    state.ahead.clear();
    state.selected.clear();
    state.buttons.clear();
    state.focusSeat = null;
    const active = [...state.bookings.values()].filter((b) => same(b.showtimeId, showtimeId) && ACTIVE.includes(b.status));
    state.activeBookingId = active.length > 0 ? active[active.length - 1].bookingId : null;
    const url = new URL(location.href);
    url.searchParams.set('showtime', showtimeId);
    history.replaceState(null, '', url);
    await watch(showtimeId, previous);
    await loadSeatMap();
    renderBooking();
  }

  /** Reads the seat map; changes that arrive meanwhile are applied after it, in version order. */
  function loadSeatMap() {
    if (state.loading) {
      state.loading.again = true;
      return state.loading.promise;
    }
    const showtimeId = state.showtimeId;
    if (!showtimeId) return Promise.resolve();
    const loading = { again: false };
    state.loading = loading;
    state.buffered = [];
    loading.promise = (async () => {
      try {
        do {
          loading.again = false;
          const result = await api('GET', `/api/showtimes/${showtimeId}/seats`);
          if (!same(showtimeId, state.showtimeId)) return;
          if (result.status !== 200) {
            el.map.replaceChildren(hint(problemText(result, 'Could not read the seats.')));
            return;
          }
          const seats = new Map(result.data.seats.map((s) => [s.seatId, s]));
          if (!state.seatMap || state.seatMap.version <= result.data.version) {
            state.seatMap = { version: result.data.version, seats };
          }
          for (const seatId of [...state.selected]) {
            if (seats.get(seatId)?.status !== 'available') state.selected.delete(seatId);
          }
          // Changes that came during the read, or that wait for a missing version, go on from the new snapshot.
          const waiting = [...state.ahead.values(), ...state.buffered];
          state.ahead.clear();
          state.buffered = [];
          for (const change of waiting) applyChange(change);
        } while (loading.again);
      } finally {
        state.loading = null;
        renderSeats();
      }
    })();
    return loading.promise;
  }

  /** The seats of this customer's held or bought bookings (and pending ones, which are about to be). */
  function mySeats() {
    const mine = new Map();
    for (const booking of state.bookings.values()) {
      if (!same(booking.showtimeId, state.showtimeId)) continue;
      const kind = booking.status === 'confirmed' ? 'sold' : ACTIVE.includes(booking.status) ? 'held' : null;
      if (kind) for (const seatId of booking.seats) mine.set(seatId, kind);
    }
    return mine;
  }

  function isMine(seatId) { return mySeats().has(seatId); }

  /** A seat as this customer sees it: [css classes, what a screen reader says, can it be picked]. */
  function seatView(seat, mine) {
    const claim = mine.get(seat.seatId);
    if (claim === 'sold' && seat.status === 'sold') return [['seat-mine', 'seat-sold'], 'yours, bought', false];
    if (claim === 'held' && seat.status !== 'sold') return [['seat-mine'], 'yours, held', false];
    if (state.selected.has(seat.seatId)) return [['seat-selected'], 'selected', true];
    if (seat.status === 'held') return [['seat-held'], 'held by someone else', false];
    if (seat.status === 'sold') return [['seat-sold'], 'sold', false];
    return [['seat-available'], 'available', true];
  }

  function renderSeats() {
    const map = state.seatMap;
    if (!map) {
      renderActions();
      return;
    }
    if (state.buttons.size !== map.seats.size || [...map.seats.keys()].some((id) => !state.buttons.has(id))) buildSeatButtons(map);
    const mine = mySeats();
    for (const seat of map.seats.values()) {
      const button = state.buttons.get(seat.seatId);
      const [classes, text, pickable] = seatView(seat, mine);
      button.className = ['seat', ...classes].join(' ');
      button.setAttribute('aria-label', `Row ${seat.row} seat ${seat.number}, ${text}`);
      button.setAttribute('aria-pressed', String(state.selected.has(seat.seatId)));
      button.setAttribute('aria-disabled', String(!pickable));
      button.dataset.status = classes.map((c) => c.replace('seat-', '')).join(' ');
    }
    const counts = { available: 0, held: 0, sold: 0 };
    for (const seat of map.seats.values()) counts[seat.status] += 1;
    const showtime = state.showtimes.find((s) => same(s.id, state.showtimeId));
    el.showtimeSummary.textContent = `${counts.available} of ${map.seats.size} seats available, ${counts.held} held, ${counts.sold} sold` +
      (showtime ? ` · holds last ${Math.round(showtime.holdSeconds / 60)} min` : '');
    renderActions();
  }

  function buildSeatButtons(map) {
    state.buttons.clear();
    const rows = new Map();
    for (const seat of map.seats.values()) {
      if (!rows.has(seat.row)) rows.set(seat.row, []);
      rows.get(seat.row).push(seat);
    }
    const rowElements = [];
    for (const [row, seats] of rows) {
      const rowElement = document.createElement('div');
      rowElement.className = 'seat-row';
      rowElement.setAttribute('role', 'group');
      rowElement.setAttribute('aria-label', `Row ${row}`);
      const label = document.createElement('span');
      label.className = 'row-label';
      label.setAttribute('aria-hidden', 'true');
      label.textContent = row;
      const seatsElement = document.createElement('div');
      seatsElement.className = 'seats';
      for (const seat of seats) {
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.seat = seat.seatId;
        button.tabIndex = -1;
        const number = document.createElement('span');
        number.className = 'num';
        number.setAttribute('aria-hidden', 'true');
        number.textContent = seat.number;
        button.append(number);
        state.buttons.set(seat.seatId, button);
        seatsElement.append(button);
      }
      const labelAfter = label.cloneNode(true);
      rowElement.append(label, seatsElement, labelAfter);
      rowElements.push(rowElement);
    }
    el.map.replaceChildren(...rowElements);
    const first = map.seats.keys().next().value;
    setFocusSeat(state.focusSeat && state.buttons.has(state.focusSeat) ? state.focusSeat : first, false);
  }

  /** Roving tabindex: one seat is in the Tab order; arrow keys move it. */
  function setFocusSeat(seatId, focus) {
    if (!seatId || !state.buttons.has(seatId)) return;
    if (state.focusSeat && state.buttons.has(state.focusSeat)) state.buttons.get(state.focusSeat).tabIndex = -1;
    state.focusSeat = seatId;
    const button = state.buttons.get(seatId);
    button.tabIndex = 0;
    if (focus) button.focus();
  }

  function toggleSeat(seatId) {
    const seat = state.seatMap?.seats.get(seatId);
    if (!seat) return;
    setFocusSeat(seatId, false);
    const [, text, pickable] = seatView(seat, mySeats());
    if (!pickable) {
      say(`Row ${seat.row} seat ${seat.number} is ${text}.`);
      return;
    }
    if (state.selected.has(seatId)) {
      state.selected.delete(seatId);
    } else if (state.selected.size >= MAX_SEATS) {
      say(`One booking holds at most ${MAX_SEATS} seats.`, true);
      return;
    } else {
      state.selected.add(seatId);
    }
    say(state.selected.size > 0 ? `Selected: ${seatList([...state.selected])}.` : 'No seats selected.');
    renderSeats();
  }

  function moveFocus(key) {
    const rows = [...el.map.querySelectorAll('.seat-row')].map((r) => [...r.querySelectorAll('.seat')]);
    const current = state.buttons.get(state.focusSeat);
    let r = rows.findIndex((row) => row.includes(current));
    if (r < 0) return;
    let c = rows[r].indexOf(current);
    if (key === 'ArrowRight') c = Math.min(c + 1, rows[r].length - 1);
    else if (key === 'ArrowLeft') c = Math.max(c - 1, 0);
    else if (key === 'ArrowDown' || key === 'ArrowUp') {
      const ratio = rows[r].length > 1 ? c / (rows[r].length - 1) : 0;
      r = key === 'ArrowDown' ? Math.min(r + 1, rows.length - 1) : Math.max(r - 1, 0);
      c = Math.round(ratio * (rows[r].length - 1));
    } else if (key === 'Home') c = 0;
    else if (key === 'End') c = rows[r].length - 1;
    else return;
    setFocusSeat(rows[r][c].dataset.seat, true);
    return true;
  }

  function renderActions() {
    const count = state.selected.size;
    el.hold.disabled = !state.token || count === 0;
    el.hold.textContent = !state.token ? 'Sign in to hold seats'
      : count === 0 ? 'Hold seats' : `Hold ${count} seat${count === 1 ? '' : 's'}`;
    el.clear.disabled = count === 0;
  }

  // ---- bookings ---------------------------------------------------------------------------------

  /** Keeps the newest version of a booking: events are at-least-once and may come after a read. */
  function updateBooking(booking) {
    const known = state.bookings.get(booking.bookingId);
    if (known && known.version > booking.version) return;
    const wasActive = known && ACTIVE.includes(known.status);
    state.bookings.set(booking.bookingId, booking);
    if (booking.bookingId === state.activeBookingId && known && known.status !== booking.status) {
      announce(booking);
    }
    if (wasActive && !ACTIVE.includes(booking.status) && booking.status !== 'confirmed') loadSeatMapSoon();
    for (const wake of [...wakers]) wake();
  }

  function announce(booking) {
    const seats = seatList(booking.seats);
    const messages = {
      held: `${seats} held for you until ${formatTime(booking.holdExpiresAt)}. Confirm to buy them.`,
      confirmed: `Done: ${seats} are yours.`,
      cancelled: `Hold cancelled; ${seats} are free again.`,
      expired: `Your hold on ${seats} ran out.`,
      rejected: `Not held: ${REASON_TEXT[booking.reason] || booking.reason || 'rejected'}.`,
    };
    if (messages[booking.status]) say(messages[booking.status], booking.status === 'rejected' || booking.status === 'expired');
  }

  let reloadTimer = null;
  function loadSeatMapSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(loadSeatMap, 300);
  }

  async function hold() {
    const seats = [...state.selected];
    if (seats.length === 0 || !state.token) return;
    el.hold.disabled = true;
    const result = await api('POST', `/api/showtimes/${state.showtimeId}/holds`, { seats }, { 'Idempotency-Key': newKey() });
    if (result.status === 202) {
      const booking = { bookingId: result.data.bookingId, showtimeId: state.showtimeId, customerId: state.customer, seats, status: 'pending', version: 0 };
      state.selected.clear();
      state.activeBookingId = booking.bookingId;
      updateBooking(booking);
      rememberBooking(booking.bookingId, state.showtimeId);
      say(`Asking to hold ${seatList(seats)}…`);
      renderSeats();
      renderBooking();
      await waitWhile(booking.bookingId, ['pending']);
      // The Hold button is now disabled: keyboard users go on from the booking's next step.
      const outcome = state.bookings.get(booking.bookingId);
      if (outcome?.status === 'held') el.confirm.focus();
      else if (state.focusSeat) state.buttons.get(state.focusSeat)?.focus();
      return;
    }
    if (result.status === 409 && !result.data?.conflictingSeats) {
      say(problemText(result, 'This showtime is no longer on sale.'), true);
    } else if (result.status === 409) {
      const taken = result.data.conflictingSeats;
      for (const seatId of taken) state.selected.delete(seatId);
      say(`${seatList(taken) || 'Some seats'} just got taken. Pick others.`, true);
      await loadSeatMap();
    } else if (result.status === 429 || result.status === 503) {
      say(`The booking system is busy; try again in ${result.headers.get('Retry-After') || 'a few'} seconds.`, true);
    } else if (result.status !== 401) {
      say(problemText(result, `Could not hold the seats (${result.status}).`), true);
    }
    renderSeats();
  }

  async function confirmOrCancel(action) {
    const booking = state.bookings.get(state.activeBookingId);
    if (!booking) return;
    el.confirm.disabled = true;
    el.cancel.disabled = true;
    const result = action === 'confirm'
      ? await api('POST', `/api/bookings/${booking.bookingId}/confirm`)
      : await api('DELETE', `/api/bookings/${booking.bookingId}`);
    if (result.status === 202) {
      say(action === 'confirm' ? 'Confirming…' : 'Cancelling…');
      await waitWhile(booking.bookingId, ['held']);
      el.dismiss.focus(); // the button that was pressed is gone
    } else {
      say(problemText(result, `Could not ${action} (${result.status}).`), true);
      await refreshActiveBooking();
    }
    renderBooking();
  }

  /**
   * Waits for the booking to leave the given statuses. The hub's BookingUpdated usually ends the wait at once; a
   * slow read every second covers a hub that is not connected.
   */
  async function waitWhile(bookingId, statuses) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const known = state.bookings.get(bookingId);
      if (known && !statuses.includes(known.status)) break;
      await sleepUntilChange(state.connection?.state === 'Connected' ? 1000 : 400);
      const current = state.bookings.get(bookingId);
      if (current && !statuses.includes(current.status)) break;
      const result = await api('GET', `/api/bookings/${bookingId}`);
      if (result.status === 200) updateBooking(result.data);
      renderSeats();
      renderBooking();
    }
    renderSeats();
    renderBooking();
  }

  async function refreshActiveBooking() {
    if (!state.activeBookingId) return;
    const result = await api('GET', `/api/bookings/${state.activeBookingId}`);
    if (result.status === 200) updateBooking(result.data);
    renderSeats();
    renderBooking();
  }

  function renderBooking() {
    const booking = state.bookings.get(state.activeBookingId);
    el.bookingPanel.hidden = !booking;
    if (!booking) {
      renderCountdown();
      return;
    }
    el.bookingSeats.textContent = seatList(booking.seats);
    el.bookingStatus.dataset.status = booking.status;
    el.bookingStatus.textContent = booking.status === 'rejected' && booking.reason
      ? `Rejected: ${REASON_TEXT[booking.reason] || booking.reason}`
      : STATUS_TEXT[booking.status] || booking.status;
    const held = booking.status === 'held';
    el.confirm.hidden = !held;
    el.cancel.hidden = !held;
    el.confirm.disabled = false;
    el.cancel.disabled = false;
    el.dismiss.hidden = ACTIVE.includes(booking.status);
    renderCountdown();
  }

  function renderCountdown() {
    const booking = state.bookings.get(state.activeBookingId);
    const show = Boolean(booking && booking.status === 'held' && booking.holdExpiresAt);
    el.countdownLabel.hidden = !show;
    el.countdownValue.hidden = !show;
    if (!show) {
      state.warnedMinute = false;
      return;
    }
    const left = Math.max(0, new Date(booking.holdExpiresAt).getTime() - (Date.now() + state.clockSkewMs));
    const seconds = Math.floor(left / 1000);
    el.countdown.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    if (seconds <= 60 && seconds > 0 && !state.warnedMinute) {
      state.warnedMinute = true;
      say('Less than a minute left on your hold.');
    }
    if (left === 0 && !booking.expiryAsked) {
      booking.expiryAsked = true; // the sweeper ends it on the server; read the outcome soon after
      setTimeout(refreshActiveBooking, 1500);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  function same(a, b) { return Boolean(a && b) && String(a).toLowerCase() === String(b).toLowerCase(); }

  function seatList(seatIds) { return [...seatIds].join(', '); }

  function hint(text) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = text;
    return p;
  }

  /** Sleeps, or less when a booking changes meanwhile (see updateBooking). */
  const wakers = new Set();
  function sleepUntilChange(ms) {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  }

  function newKey() {
    if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  function formatDate(value) {
    return new Date(value).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  function formatTime(value) {
    return value ? new Date(value).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  }

  // ---- wiring -----------------------------------------------------------------------------------

  el.signIn.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = el.name.value.trim();
    if (!name) {
      say('Type a name to sign in.', true);
      el.name.focus();
      return;
    }
    signIn(name);
  });
  el.signOut.addEventListener('click', () => {
    signOut();
    say('Signed out.');
    el.name.focus();
  });
  el.showtime.addEventListener('change', () => selectShowtime(el.showtime.value));
  el.map.addEventListener('click', (event) => {
    const button = event.target.closest('button.seat');
    if (button) toggleSeat(button.dataset.seat);
  });
  el.map.addEventListener('keydown', (event) => {
    if (event.target.closest('button.seat') && moveFocus(event.key)) event.preventDefault();
  });
  el.hold.addEventListener('click', hold);
  el.clear.addEventListener('click', () => {
    state.selected.clear();
    say('No seats selected.');
    renderSeats();
  });
  el.confirm.addEventListener('click', () => confirmOrCancel('confirm'));
  el.cancel.addEventListener('click', () => confirmOrCancel('cancel'));
  el.dismiss.addEventListener('click', () => {
    state.activeBookingId = null;
    renderBooking();
    say('');
    if (state.focusSeat) state.buttons.get(state.focusSeat)?.focus();
  });
  setInterval(renderCountdown, 1000);

  async function start() {
    try {
      const config = await api('GET', '/seatmap/config.json');
      if (config.status === 200 && config.data?.hubUrl) state.config = config.data;
    } catch { /* the default hub URL stays */ }
    const saved = JSON.parse(sessionStorage.getItem('booking.session') || 'null');
    if (saved?.token) {
      state.token = saved.token;
      state.customer = saved.customer;
    }
    renderSession();
    await loadShowtimes();
    if (state.token) {
      await restoreBookings();
      await connectHub();
    }
  }

  start();
})();
