// sessions_dst.test.mjs: template recurrence across DST through both surfaces
// (readmin-compat.md §4.11; §6 checklist items 60-62; issue 6): Europe/London and
// America/New_York on their 2026 transition dates, a template at 01:30 on a spring-forward
// day (a skipped time moves forward by the gap; a repeated one takes its earlier instant).
// 2026 windows are read with the management list's from/to, which does not depend on "now", and
// with occurrence keys, which a loader key reaches only within [now - 1440 min, now + 31 days]
// (docs/sessions.md): each key read first sets the clock to an hour before that start, so the
// clock moves back and forth in 2026; the upcoming check then moves it to London's 2027 change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ok, secs } from './lib/sessions.mjs';
import { expectError } from './lib/harness.mjs';

let F;
const starts = async (t, from, to) =>
  ok(await F.mgmt(F.A, 'GET', `/sessions?templateId=${t.id}&from=${from}&to=${to}&pageSize=100`)).sessions.map((s) => s.startsAt);
const placeholder = async (t, isoStart) => {
  F.clock.at(new Date(Date.parse(isoStart) - 3600000).toISOString());
  return ok(await F.rmA.get(`/sessions/${t.id}-${secs(isoStart)}`)).session;
};

before(async () => { F = await setup(); });
after(async () => { await F?.srv.stop(); });

test('60: Europe/London weekly Sunday 10:00 is 10:00Z in January and 09:00Z in July 2026', async () => {
  const t = await F.template(F.A, { name: 'Sunday', timezone: 'Europe/London', recurrence: 'weekly', weekdays: ['sun'], localTime: '10:00' });
  assert.deepEqual(await starts(t, '2026-01-01T00:00:00Z', '2026-01-14T00:00:00Z'),
    ['2026-01-04T10:00:00.000Z', '2026-01-11T10:00:00.000Z']);
  assert.deepEqual(await starts(t, '2026-07-01T00:00:00Z', '2026-07-13T00:00:00Z'),
    ['2026-07-05T09:00:00.000Z', '2026-07-12T09:00:00.000Z']);
  // Across the 29 March 2026 change the local time stays 10:00.
  assert.deepEqual(await starts(t, '2026-03-21T00:00:00Z', '2026-04-06T00:00:00Z'),
    ['2026-03-22T10:00:00.000Z', '2026-03-29T09:00:00.000Z', '2026-04-05T09:00:00.000Z']);
  assert.deepEqual(await starts(t, '2026-10-17T00:00:00Z', '2026-11-02T00:00:00Z'),
    ['2026-10-18T09:00:00.000Z', '2026-10-25T10:00:00.000Z', '2026-11-01T10:00:00.000Z']);
  const p = await placeholder(t, '2026-07-05T09:00:00.000Z');
  assert.equal(p._id, 'notCreated');
  assert.equal(p.date, '2026-07-05T09:00:00.000Z');
  assert.deepEqual(p.template.schedule, { type: 'weekly', day: 'sunday', days: ['sunday'], hour: 10, minute: 0, timezone: 'Europe/London' });
  assert.equal(await placeholder(t, '2026-07-05T10:00:00.000Z'), null, '10:00Z is not the July occurrence');
});

test('61: America/New_York 02:30 on the 2026 spring-forward day (8 March) is 07:30Z', async () => {
  const t = await F.template(F.A, { name: 'NY 0230', timezone: 'America/New_York', localTime: '02:30' });
  assert.deepEqual(await starts(t, '2026-03-07T00:00:00Z', '2026-03-09T23:00:00Z'),
    ['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  assert.equal((await placeholder(t, '2026-03-08T07:30:00.000Z')).endsAt, '2026-03-08T08:30:00.000Z');
});

test('62: America/New_York 01:30 on the 2026 fall-back day (1 November) is 05:30Z, once', async () => {
  const t = await F.template(F.A, { name: 'NY 0130', timezone: 'America/New_York', localTime: '01:30' });
  assert.deepEqual(await starts(t, '2026-10-31T00:00:00Z', '2026-11-02T23:00:00Z'),
    ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  assert.equal(await placeholder(t, '2026-11-01T06:30:00.000Z'), null, 'the later 01:30 is no occurrence');
  // 01:30 on New York's spring-forward day exists (the gap is 02:00-03:00).
  assert.deepEqual(await starts(t, '2026-03-08T00:00:00Z', '2026-03-08T23:00:00Z'), ['2026-03-08T06:30:00.000Z']);
});

test('issue 6: Europe/London 01:30 on the spring-forward day moves forward by the gap; fall-back takes the earlier', async () => {
  const t = await F.template(F.A, { name: 'London 0130', timezone: 'Europe/London', localTime: '01:30' });
  // 29 March 2026: 01:30 GMT does not exist; 02:30 BST = 01:30Z.
  assert.deepEqual(await starts(t, '2026-03-28T00:00:00Z', '2026-03-30T23:00:00Z'),
    ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  // 25 October 2026: 01:30 happens twice; the BST one (00:30Z).
  assert.deepEqual(await starts(t, '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'),
    ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  // Materialising the skipped occurrence keeps the moved instant.
  const s = ok(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: t.id, startsAt: '2026-03-29T02:30:00+01:00' } })).session;
  assert.equal(s.startsAt, '2026-03-29T01:30:00.000Z');
  assert.equal(s.occurrenceKey, `${t.id}-${secs('2026-03-29T01:30:00.000Z')}`);
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: t.id, startsAt: '2026-03-29T00:30:00Z' } }), 400, 'not_an_occurrence');
});

test('a daily 19:00 London template stays at 19:00 local across the change, in the management window', async () => {
  const t = await F.template(F.A, { name: 'London 1900', timezone: 'Europe/London', localTime: '19:00' });
  const list = ok(await F.mgmt(F.A, 'GET', `/sessions?templateId=${t.id}&from=2026-03-28T00:00:00Z&to=2026-03-30T23:00:00Z`));
  assert.deepEqual(list.sessions.map((s) => [s.startsAt, s.id]), [
    ['2026-03-28T19:00:00.000Z', null], ['2026-03-29T18:00:00.000Z', null], ['2026-03-30T18:00:00.000Z', null]]);
  assert.equal(list.total, 3);
});

test('upcoming across London\'s 2027 change: 08:00 local on 28 March is 07:00Z', async () => {
  const t = await F.template(F.A, { name: 'Morning', timezone: 'Europe/London', localTime: '08:00', durationMinutes: 30 });
  F.clock.at('2027-03-27T20:00:00.000Z');
  const up = ok(await F.rmA.get('/sessions/upcoming')).sessions.filter((s) => s.templateId === t.id);
  assert.deepEqual(up.map((s) => s.date), ['2027-03-28T07:00:00.000Z']);
  assert.equal(up[0].endsAt, '2027-03-28T07:30:00.000Z');
});

test('a zone the tz database does not know is refused when the template is saved', async () => {
  for (const tz of ['Mars/Olympus', '../etc/passwd', 'Europe/', 'EST5EDT,M3.2.0,M11.1.0'])
    expectError(await F.mgmt(F.A, 'POST', '/session-templates', {
      body: { name: 'Bad', timezone: tz, recurrence: 'daily', localTime: '10:00', durationMinutes: 10 } }), 400, 'invalid_field');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_templates WHERE name = 'Bad'`)[0].n, 0);
});
