import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import { makeAccount } from '#tests/factories.ts'
import { listEvents, recordEvent } from './event.server.ts'

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name)
		if (statSync(p).isDirectory()) return sources(p)
		return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : []
	})
}

describe('the audit trail is append-only', () => {
	it('no code path updates or deletes an event', () => {
		const offenders = ['app', 'scripts']
			.flatMap(sources)
			.filter((file) => /(updateTable|deleteFrom)\(\s*['"]event['"]|update\s+`?event`?\s+set\b|delete\s+from\s+`?event`?\b/i.test(readFileSync(file, 'utf8')))
		expect(offenders).toEqual([])
	})
})

describeDb('events', (ctx) => {
	it('lists a record’s timeline in order with the actor’s name', async () => {
		const a = await makeAccount(ctx.db, { displayName: '审计员' })
		await recordEvent(ctx.db, { entityType: 'need', entityId: 'N1', action: 'create', toState: 'draft', actorAccountId: a.id, requestId: 'r-1' }, 1000)
		await recordEvent(ctx.db, { entityType: 'need', entityId: 'N1', action: 'submit', fromState: 'draft', toState: 'submitted', actorAccountId: a.id, note: '请审核' }, 2000)
		await recordEvent(ctx.db, { entityType: 'need', entityId: 'N2', action: 'create' }, 1500)
		const events = await listEvents(ctx.db, 'need', 'N1')
		expect(events.map((e) => [e.action, e.fromState, e.toState, e.note, e.actorName])).toEqual([
			['create', null, 'draft', '', '审计员'],
			['submit', 'draft', 'submitted', '请审核', '审计员'],
		])
		const row = await ctx.db.selectFrom('event').select('requestId').where('entityId', '=', 'N1').where('action', '=', 'create').executeTakeFirstOrThrow()
		expect(row.requestId).toBe('r-1')
	})
})
