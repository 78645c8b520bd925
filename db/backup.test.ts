// Backup and restore on both dialects, and across them: every table's rows come back exactly.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/id.ts'
import { createTestDb, testDialects } from '#tests/setup/db.ts'
import { makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { BackupError, backupDatabase, restoreDatabase } from './backup.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-backup-test-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

type Handle = Awaited<ReturnType<typeof createTestDb>>

async function seed(handle: Handle) {
	const { db } = handle
	await seedRegions(db)
	const owner = await makeAccount(db, { displayName: '张三 "引号" \\ 反斜杠' })
	const village = await makeOrg(db, 'village', { regionCode: '513431100201', ownerId: owner.id, name: '三河村村民委员会' })
	const now = Date.UTC(2026, 10, 23)
	await db
		.insertInto('need')
		.values({
			id: newId(now),
			villageOrgId: village,
			villageCode: '513431100201',
			title: '蔬菜大棚 🌱 建设',
			description: '第一行\n第二行\t制表符 <script>alert(1)</script>',
			category: 'industry',
			measure: 'amount',
			unit: null,
			target: 999_999_999_999,
			urgency: 'high',
			neededBy: now,
			status: 'draft',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: null,
			publishedAt: null,
			closedAt: null,
			createdBy: owner.id,
			createdAt: now,
			updatedAt: now,
		})
		.execute()
}

/** Every app table's rows, sorted, as plain values (numbers as numbers). */
async function snapshot(handle: Handle) {
	const tables = (await handle.db.introspection.getTables()).filter((t) => !t.name.startsWith('kysely_')).map((t) => t.name)
	const out: Record<string, unknown[]> = {}
	for (const t of tables.sort()) {
		const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(handle.db)).rows
		out[t] = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && v.length < 16 ? Number(v) : v])))).sort()
	}
	return out
}

const pairs: Array<[Dialect, Dialect]> = testDialects.flatMap((a) => testDialects.map((b) => [a, b] as [Dialect, Dialect]))

describe.each(pairs)('backup from %s, restore into %s', (from, into) => {
	it('brings every row back exactly, and refuses to overwrite unless told', async () => {
		const source = await createTestDb(from)
		const target = await createTestDb(into, { suffix: '_restore' })
		try {
			await seed(source)
			const file = path.join(dir, `${from}-${into}.jsonl.gz`)
			const counts = await backupDatabase(source.db, file)
			expect(counts.need).toBe(1)
			expect(counts.region).toBeGreaterThan(10)
			const restored = await restoreDatabase(target.db, file)
			expect(restored).toEqual(counts)
			expect(await snapshot(target)).toEqual(await snapshot(source))
			// A second restore into the now non-empty database is refused and changes nothing…
			await expect(restoreDatabase(target.db, file)).rejects.toThrow(BackupError)
			expect(await snapshot(target)).toEqual(await snapshot(source))
			// …unless asked to replace.
			await restoreDatabase(target.db, file, { replace: true })
			expect(await snapshot(target)).toEqual(await snapshot(source))
		} finally {
			await source.drop()
			await target.drop()
		}
	})
})

describe.each(testDialects)('restore refusals [%s]', (dialect) => {
	it('refuses a truncated file, another schema version and a foreign file, writing nothing', async () => {
		const source = await createTestDb(dialect)
		const target = await createTestDb(dialect, { suffix: '_restore' })
		try {
			await seed(source)
			const file = path.join(dir, `refusals-${dialect}.jsonl.gz`)
			await backupDatabase(source.db, file)
			const { gunzipSync, gzipSync } = await import('node:zlib')
			const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n')
			const truncated = path.join(dir, `truncated-${dialect}.jsonl.gz`)
			fs.writeFileSync(truncated, gzipSync(`${lines.slice(0, -1).join('\n')}\n`))
			await expect(restoreDatabase(target.db, truncated)).rejects.toThrow(/truncated/)
			expect(Number((await sql<{ n: number }>`select count(*) as n from region`.execute(target.db)).rows[0].n)).toBe(0)

			const header = JSON.parse(lines[0])
			const older = path.join(dir, `older-${dialect}.jsonl.gz`)
			fs.writeFileSync(older, gzipSync([JSON.stringify({ ...header, migrations: header.migrations.slice(0, -1) }), ...lines.slice(1)].join('\n')))
			await expect(restoreDatabase(target.db, older)).rejects.toThrow(/migrations differ/)

			const foreign = path.join(dir, `foreign-${dialect}.jsonl.gz`)
			fs.writeFileSync(foreign, gzipSync('{"hello":"world"}\n'))
			await expect(restoreDatabase(target.db, foreign)).rejects.toThrow(/not a Bangfu backup/)
			expect(Number((await sql<{ n: number }>`select count(*) as n from account`.execute(target.db)).rows[0].n)).toBe(0)
		} finally {
			await source.drop()
			await target.drop()
		}
	})
})
