import { beforeAll, describe, expect, it } from 'vitest'
import type { CommitmentStatus } from '#db/schema.ts'
import { DAY_MS, chinaDayStart, parseChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { makeAccount, makeOrg } from '#tests/factories.ts'
import { runPeriodicJobs } from './jobs.server.ts'
import { DUE_SOON_DAYS, isPastDue, sendCommitmentReminders } from './reminders.server.ts'

// 2026-11-20 10:00 in China.
const NOW = Date.UTC(2026, 10, 20, 2)
const TODAY = chinaDayStart(NOW)

describe('isPastDue', () => {
	it('counts the whole due day (a China date) as on time', () => {
		const due = parseChinaDate('2026-11-20') as number
		expect(isPastDue(due, NOW)).toBe(false)
		expect(isPastDue(due, due + DAY_MS - 1)).toBe(false)
		expect(isPastDue(due, due + DAY_MS)).toBe(true)
	})
})

describeDb('commitment reminders', (ctx) => {
	let providerOrg: string
	let villageOrg: string
	let providerOwner: string
	let providerMember: string
	let villageOwner: string
	let needId: string

	beforeAll(async () => {
		providerOwner = (await makeAccount(ctx.db)).id
		providerMember = (await makeAccount(ctx.db)).id
		villageOwner = (await makeAccount(ctx.db)).id
		providerOrg = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: providerOwner, name: '杭州兴村农业科技有限公司' })
		villageOrg = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: villageOwner, name: '三河村村民委员会' })
		await ctx.db.insertInto('membership').values({ orgId: providerOrg, accountId: providerMember, role: 'member', createdAt: NOW }).execute()
		needId = newId()
		await ctx.db
			.insertInto('need')
			.values({
				id: needId,
				villageOrgId: villageOrg,
				villageCode: '513431100201',
				title: '三河村花椒烘干设备',
				description: '购置两台烘干机',
				category: 'industry',
				measure: 'amount',
				unit: null,
				target: 12_000_000,
				urgency: 'high',
				neededBy: TODAY + 60 * DAY_MS,
				status: 'published',
				statusNote: null,
				duplicateOf: null,
				reviewedBy: null,
				reviewedAt: null,
				submittedAt: NOW,
				publishedAt: NOW,
				closedAt: null,
				createdBy: villageOwner,
				createdAt: NOW,
				updatedAt: NOW,
			})
			.execute()
	})

	async function makeCommitment(status: CommitmentStatus, dueAt: number, amount = 1_234_550) {
		const id = newId()
		await ctx.db
			.insertInto('commitment')
			.values({
				id,
				needId,
				offerId: null,
				providerOrgId: providerOrg,
				villageOrgId: villageOrg,
				villageCode: '513431100201',
				amount,
				deliveredAmount: null,
				status,
				message: '',
				dueAt,
				lapseAt: NOW + 7 * DAY_MS,
				statusReason: null,
				idempotencyKey: null,
				acceptedAt: NOW - 30 * DAY_MS,
				deliveryStartedAt: null,
				deliveredAt: null,
				verifiedAt: null,
				verifiedBy: null,
				closedAt: null,
				createdBy: providerOwner,
				createdAt: NOW - 30 * DAY_MS,
				updatedAt: NOW - 30 * DAY_MS,
			})
			.execute()
		return id
	}

	async function notificationsFor(entityId: string) {
		return ctx.db.selectFrom('notification').select(['accountId', 'kind', 'dedupeKey', 'params', 'entityType']).where('entityId', '=', entityId).orderBy('accountId').execute()
	}

	it('reminds the provider of a commitment due within 3 days, and both sides of an overdue one, once', async () => {
		const soon = await makeCommitment('accepted', TODAY + DUE_SOON_DAYS * DAY_MS)
		const today = await makeCommitment('in_delivery', TODAY)
		const later = await makeCommitment('accepted', TODAY + (DUE_SOON_DAYS + 1) * DAY_MS)
		const late = await makeCommitment('in_delivery', TODAY - DAY_MS)
		const done = await makeCommitment('delivered', TODAY - 5 * DAY_MS)
		const pledged = await makeCommitment('pledged', TODAY + DAY_MS)

		const result = await sendCommitmentReminders(ctx.db, NOW)
		expect(result).toEqual({ dueSoon: 4, overdue: 3 })

		const soonRows = await notificationsFor(soon)
		expect(soonRows.map((r) => r.accountId)).toEqual([providerOwner, providerMember].sort())
		expect(soonRows[0]).toMatchObject({ kind: 'commitment_due_soon', entityType: 'commitment', dedupeKey: `due_soon:${soon}:${soonRows[0].accountId}` })
		expect(JSON.parse(soonRows[0].params)).toEqual({ title: '三河村花椒烘干设备', provider: '杭州兴村农业科技有限公司', amount: '¥12,345.50', due: '2026-11-23' })
		expect((await notificationsFor(today)).map((r) => r.kind)).toEqual(['commitment_due_soon', 'commitment_due_soon'])

		const lateRows = await notificationsFor(late)
		expect(lateRows.map((r) => r.accountId)).toEqual([providerOwner, providerMember, villageOwner].sort())
		expect(lateRows.every((r) => r.kind === 'commitment_overdue' && r.dedupeKey === `overdue:${late}:${r.accountId}`)).toBe(true)
		expect(JSON.parse(lateRows[0].params).due).toBe('2026-11-19')

		for (const id of [later, done, pledged]) expect(await notificationsFor(id)).toEqual([])

		// Again, later the same day and through the periodic jobs: nothing new.
		expect(await sendCommitmentReminders(ctx.db, NOW + 3_600_000)).toEqual({ dueSoon: 0, overdue: 0 })
		expect(await runPeriodicJobs(ctx.db, NOW + 7_200_000, { mailer: null })).toMatchObject({ dueSoonReminders: 0, overdueReminders: 0 })

		// The soon one becomes overdue: now both sides hear about it, once.
		const next = TODAY + (DUE_SOON_DAYS + 1) * DAY_MS + 3_600_000
		const after = await sendCommitmentReminders(ctx.db, next)
		expect(after.overdue).toBe(6) // `soon` and `today`, three recipients each
		expect(after.dueSoon).toBe(2) // `later` is now due within 3 days
		expect((await notificationsFor(soon)).filter((r) => r.kind === 'commitment_overdue')).toHaveLength(3)
		expect(await sendCommitmentReminders(ctx.db, next)).toEqual({ dueSoon: 0, overdue: 0 })

		for (const id of [soon, today, later, late]) {
			await ctx.db.updateTable('commitment').set({ status: 'verified' }).where('id', '=', id).execute()
		}
	})

	it('sends one notification per recipient when two runners go at once', async () => {
		const ids = [
			await makeCommitment('accepted', TODAY + DAY_MS, 500),
			await makeCommitment('in_delivery', TODAY - 2 * DAY_MS, 800),
			await makeCommitment('in_delivery', TODAY - 3 * DAY_MS, 900),
		]
		const runs = await Promise.all([sendCommitmentReminders(ctx.db, NOW), sendCommitmentReminders(ctx.db, NOW), runPeriodicJobs(ctx.db, NOW, { mailer: null })])
		const dueSoon = runs[0].dueSoon + runs[1].dueSoon + runs[2].dueSoonReminders
		const overdue = runs[0].overdue + runs[1].overdue + runs[2].overdueReminders
		expect({ dueSoon, overdue }).toEqual({ dueSoon: 2, overdue: 6 })
		const rows = await ctx.db.selectFrom('notification').select(['accountId', 'entityId', 'kind']).where('entityId', 'in', ids).execute()
		expect(rows).toHaveLength(8)
		const pairs = new Set(rows.map((r) => `${r.entityId}:${r.accountId}:${r.kind}`))
		expect(pairs.size).toBe(8)
		await ctx.db.updateTable('commitment').set({ status: 'verified' }).where('id', 'in', ids).execute()
	})

	it('tells a member who joined after the first reminder, and only them', async () => {
		const id = await makeCommitment('in_delivery', TODAY - DAY_MS)
		expect(await sendCommitmentReminders(ctx.db, NOW)).toEqual({ dueSoon: 0, overdue: 3 })
		const newcomer = (await makeAccount(ctx.db)).id
		await ctx.db.insertInto('membership').values({ orgId: villageOrg, accountId: newcomer, role: 'member', createdAt: NOW }).execute()
		expect(await sendCommitmentReminders(ctx.db, NOW + 600_000)).toEqual({ dueSoon: 0, overdue: 1 })
		expect((await notificationsFor(id)).map((r) => r.accountId)).toContain(newcomer)
	})
})
