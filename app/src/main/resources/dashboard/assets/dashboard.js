/*
 * The Launchline dashboard: asks for an admin token, keeps it in sessionStorage (this tab only,
 * gone when it closes), reads GET /api/v1/admin/stats with it and draws the numbers with the
 * vendored Chart.js. No inline script, no eval: the page's CSP allows only files from /admin/assets.
 * "Let the next people in" posts to /api/v1/admin/waitlists/{slug}/invites after a confirmation
 * step, with one Idempotency-Key per confirmed batch: a double click or a retry invites once.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'launchline.adminToken';
  var COLOURS = ['#3556d4', '#e07a1f', '#2a9d6f', '#c43d7a', '#7b5cd6', '#2b9fc4', '#b8a11c', '#8c5a3c', '#6b7280'];
  var charts = {};

  function $(id) { return document.getElementById(id); }

  function showSignIn(message) {
    $('dashboard').hidden = true;
    $('controls').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('token').focus();
  }

  function showDashboard() {
    $('sign-in').hidden = true;
    $('controls').hidden = false;
    $('dashboard').hidden = false;
  }

  function load() {
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      showSignIn('');
      return;
    }
    document.body.removeAttribute('data-loaded');
    fetch('/api/v1/admin/stats?days=' + encodeURIComponent($('days').value), {
      headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' },
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        showSignIn('That token was not accepted (unknown, revoked or mistyped).');
        return null;
      }
      if (response.status === 429) {
        showSignIn('Too many failed attempts from here. Try again later.');
        return null;
      }
      if (!response.ok) {
        throw new Error('the stats API answered ' + response.status);
      }
      return response.json();
    }).then(function (stats) {
      if (stats) {
        showDashboard();
        render(stats);
        $('load-error').textContent = '';
        document.body.setAttribute('data-loaded', 'true');
      }
    }).catch(function (failure) {
      showDashboard();
      $('load-error').textContent = 'Could not load the numbers: ' + failure.message;
    });
  }

  function percent(rate) {
    return (Math.round(rate * 1000) / 10) + ' %';
  }

  function duration(seconds) {
    if (seconds < 120) { return seconds + ' s'; }
    if (seconds < 7200) { return Math.round(seconds / 60) + ' min'; }
    return Math.round(seconds / 3600) + ' h';
  }

  function render(stats) {
    var known = $('invite-waitlists');
    known.textContent = '';
    stats.waitlists.forEach(function (w) {
      var option = document.createElement('option');
      option.value = w.waitlist;
      known.appendChild(option);
    });
    if (!$('invite-waitlist').value && stats.waitlists.length > 0) {
      $('invite-waitlist').value = stats.waitlists[0].waitlist;
    }
    $('release').textContent = stats.release.release;
    $('environment').textContent = stats.release.environment;
    $('total-signups').textContent = String(stats.signups.total);
    var confirmed = stats.waitlists.reduce(function (sum, w) { return sum + w.confirmed; }, 0);
    $('confirmation-rate').textContent = stats.signups.total === 0 ? '–' : percent(confirmed / stats.signups.total);
    $('referrals-credited').textContent = String(stats.referrals.credited);
    $('email-backlog').textContent = String(stats.email.backlog);
    $('suppressed-addresses').textContent = String(stats.email.suppressed_addresses);
    $('email-oldest').textContent = stats.email.backlog === 0 ? '–' : duration(stats.email.oldest_pending_age_seconds);
    $('server-errors').textContent = String(stats.errors.server_errors_since_start);
    $('server-errors').classList.toggle('bad', stats.errors.server_errors_since_start > 0);
    $('generated-at').textContent = stats.generated_at;
    $('window-from').textContent = stats.window.from;

    var days = stats.days.map(function (day) { return day.slice(5); });
    draw('chart-signups', {
      type: 'bar',
      data: {
        labels: days,
        datasets: stats.signups.per_waitlist.map(function (series, i) {
          return { label: series.name, data: series.per_day, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
    draw('chart-sources', {
      type: 'bar',
      data: {
        labels: stats.signups.per_source.map(function (series) { return series.name; }),
        datasets: [{
          label: 'signups',
          data: stats.signups.per_source.map(function (series) { return series.total; }),
          backgroundColor: COLOURS
        }]
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    draw('chart-confirmation', {
      type: 'bar',
      data: {
        labels: stats.waitlists.map(function (w) { return w.waitlist + ' (' + w.confirmed + '/' + w.signups + ')'; }),
        datasets: [{
          label: 'confirmed %',
          data: stats.waitlists.map(function (w) { return Math.round(w.confirmation_rate * 1000) / 10; }),
          backgroundColor: COLOURS[2]
        }]
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } }
    });
    draw('chart-email', {
      type: 'bar',
      data: {
        labels: ['sent', 'failing, will retry', 'dead-lettered', 'suppressed', 'backlog'],
        datasets: [{
          label: 'emails',
          data: [stats.email.sent, stats.email.failed_pending, stats.email.dead, stats.email.suppressed, stats.email.backlog],
          backgroundColor: [COLOURS[2], COLOURS[1], '#b3261e', '#6b6b6b', COLOURS[0]]
        }]
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    var routes = stats.latency.slice().sort(function (a, b) { return b.p95_ms - a.p95_ms; }).slice(0, 15);
    draw('chart-latency', {
      type: 'bar',
      data: {
        labels: routes.map(function (r) { return r.method + ' ' + r.route + ' ' + r.status; }),
        datasets: [{
          label: 'p95 ms',
          data: routes.map(function (r) { return Math.round(r.p95_ms * 10) / 10; }),
          backgroundColor: routes.map(function (r) { return r.status >= 500 ? '#b3261e' : COLOURS[4]; })
        }]
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
    });
  }

  function draw(id, config) {
    if (charts[id]) {
      charts[id].destroy();
    }
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    charts[id] = new window.Chart($(id), config);
  }


  /* --- let the next people in --- */
  var pendingInvite = null; // {waitlist, count, key} between "Invite…" and "Yes"

  function newIdempotencyKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function inviteMessage(text, isError) {
    $('invite-result').textContent = isError ? '' : text;
    $('invite-error').textContent = isError ? text : '';
  }

  function prepareInvite(event) {
    event.preventDefault();
    var waitlist = $('invite-waitlist').value.trim();
    var count = Number($('invite-count').value);
    $('invite-invitees').textContent = '';
    if (!waitlist || !Number.isInteger(count) || count < 1 || count > 1000) {
      inviteMessage('Give a waitlist and a whole number from 1 to 1000.', true);
      return;
    }
    // one key per batch the operator confirms: "Yes" clicked twice, or sent again after a
    // network error, is the same request and the service invites once
    pendingInvite = { waitlist: waitlist, count: count, key: newIdempotencyKey() };
    inviteMessage('', false);
    $('invite-question').textContent = 'Invite the next ' + count + ' confirmed ' + (count === 1 ? 'person' : 'people')
        + ' in line on "' + waitlist + '"? Each gets an invite email now; this cannot be undone.';
    $('invite-confirm').hidden = false;
    $('invite-go').disabled = false;
    $('invite-go').focus();
  }

  function cancelInvite() {
    pendingInvite = null;
    $('invite-confirm').hidden = true;
  }

  function sendInvite() {
    var invite = pendingInvite;
    if (!invite) {
      return;
    }
    $('invite-go').disabled = true;
    fetch('/api/v1/admin/waitlists/' + encodeURIComponent(invite.waitlist) + '/invites', {
      method: 'POST',
      headers: {
        'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN_KEY),
        'Accept': 'application/json',
        'Content-Type': 'application/json',
        'Idempotency-Key': invite.key
      },
      body: JSON.stringify({ count: invite.count }),
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (answer) {
      if (answer.status === 201 && answer.body) {
        pendingInvite = null;
        $('invite-confirm').hidden = true;
        showBatch(answer.body);
        load();
        return;
      }
      $('invite-go').disabled = false;
      if (answer.status === 403) {
        cancelInvite();
        inviteMessage('This token may only read. Forget it and sign in with a write-scope token to invite.', true);
      } else if (answer.status === 404) {
        cancelInvite();
        inviteMessage('There is no waitlist "' + invite.waitlist + '".', true);
      } else {
        var message = answer.body && answer.body.error ? answer.body.error.message : 'status ' + answer.status;
        inviteMessage('Nobody was invited: ' + message, true);
      }
    }).catch(function (failure) {
      // the same key is kept: "Yes" again cannot invite a second batch if the first one did go through
      $('invite-go').disabled = false;
      inviteMessage('No answer (' + failure.message + '). Press "Yes" again to retry safely: it invites once.', true);
    });
  }

  function showBatch(batch) {
    var text = 'Invited ' + batch.invited + ' of ' + batch.requested + ' on "' + batch.waitlist + '" (batch '
        + batch.id + ').';
    if (batch.invited < batch.requested) {
      text += ' Nobody else is waiting in line.';
    }
    inviteMessage(text, false);
    var list = $('invite-invitees');
    list.textContent = '';
    batch.invitees.slice(0, 20).forEach(function (person) {
      var item = document.createElement('li');
      item.textContent = person.email; // visitor-made text: never markup
      list.appendChild(item);
    });
    if (batch.invitees.length > 20) {
      var more = document.createElement('li');
      more.textContent = 'and ' + (batch.invitees.length - 20) + ' more';
      list.appendChild(more);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in').addEventListener('submit', function (event) {
      event.preventDefault();
      var token = $('token').value.trim();
      $('token').value = '';
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        load();
      }
    });
    $('sign-out').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn('');
    });
    $('refresh').addEventListener('click', load);
    $('invite-form').addEventListener('submit', prepareInvite);
    $('invite-go').addEventListener('click', sendInvite);
    $('invite-cancel').addEventListener('click', cancelInvite);
    $('days').addEventListener('change', load);
    load();
  });
}());
