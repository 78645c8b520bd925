import { beforeAll, expect, it } from 'vitest'
import type { DB } from '#db/schema.ts'
import type { Kysely } from 'kysely'
import { DAY_MS } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import {
	closeAccountabilityRecord,
	createAccountabilityRecord,
	getAccountabilityRecord,
	listAccountabilityForSubject,
	listAccountabilityRecords,
} from './accountability.server.ts'
import type { Actor } from './policy.server.ts'

const NOW = Date.UTC(2026, 10, 20, 2)

async function snapshot(db: Kysely<DB>) {
	return {
		record: await countRows(db, 'accountabilityRecord'),
		cited: await countRows(db, 'accountabilityCommitment'),
		event: await countRows(db, 'event'),
		notification: await countRows(db, 'notification'),
	}
}

describeDb('accountability records', (ctx) => {
	let county: Actor
	let township: Actor
	let province: Actor
	let otherCounty: Actor
	let admin: Actor
	let stranger: Actor
	let member: Actor
	let owner: string
	let enterprise: string
	let otherProvider: string
	const c: Record<string, string> = {}

	async function commitment(providerOrgId: string, villageOrgId: string, villageCode: string) {
		const needId = newId()
		await ctx.db
			.insertInto('need')
			.values({
				id: needId,
				villageOrgId,
				villageCode,
				title: `需求 ${villageCode}`,
				description: '',
				category: 'industry',
				measure: 'amount',
				unit: null,
				target: 1_000_000,
				urgency: 'normal',
				neededBy: NOW + 90 * DAY_MS,
				status: 'published',
				statusNote: null,
				duplicateOf: null,
				reviewedBy: null,
				reviewedAt: null,
				submittedAt: NOW,
				publishedAt: NOW,
				closedAt: null,
				createdBy: owner,
				createdAt: NOW,
				updatedAt: NOW,
			})
			.execute()
		const id = newId()
		await ctx.db
			.insertInto('commitment')
			.values({
				id,
				needId,
				offerId: null,
				providerOrgId,
				villageOrgId,
				villageCode,
				amount: 500_000,
				deliveredAmount: null,
				status: 'in_delivery',
				message: '',
				dueAt: NOW - 10 * DAY_MS,
				lapseAt: NOW,
				statusReason: null,
				idempotencyKey: null,
				acceptedAt: NOW - 40 * DAY_MS,
				deliveryStartedAt: null,
				deliveredAt: null,
				verifiedAt: null,
				verifiedBy: null,
				closedAt: null,
				createdBy: owner,
				createdAt: NOW - 40 * DAY_MS,
				updatedAt: NOW - 40 * DAY_MS,
			})
			.execute()
		return id
	}

	beforeAll(async () => {
		await seedRegions(ctx.db)
		county = await makeOfficial(ctx.db, '513431000000')
		township = await makeOfficial(ctx.db, '513431100000')
		province = await makeOfficial(ctx.db, '510000000000')
		otherCounty = await makeOfficial(ctx.db, '513432000000')
		admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		owner = (await makeAccount(ctx.db)).id
		enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000', ownerId: owner, name: '昭觉县兴农合作社' })
		otherProvider = await makeOrg(ctx.db, 'social_org', { regionCode: '513431000000', ownerId: owner, name: '某基金会' })
		const memberId = (await makeAccount(ctx.db)).id
		await ctx.db.insertInto('membership').values({ orgId: enterprise, accountId: memberId, role: 'member', createdAt: NOW }).execute()
		member = await actorFor(ctx.db, memberId)
		const sanhe = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: owner })
		const guangming = await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: owner })
		c.mine = await commitment(enterprise, sanhe, '513431100201')
		c.mine2 = await commitment(enterprise, sanhe, '513431100201')
		c.outside = await commitment(enterprise, guangming, '513432100201')
		c.otherProvider = await commitment(otherProvider, sanhe, '513431100201')
	})

	const form = (o: Record<string, unknown> = {}) => ({
		subjectType: 'org',
		subjectId: enterprise,
		failure: '承诺的花椒烘干设备逾期未交付，且未说明原因',
		measures: '约谈负责人，通报批评，暂停新承诺三个月',
		commitmentIds: `${c.mine}\n${c.mine2.toLowerCase()}, ${c.mine}`,
		...o,
	})

	it('records a failure citing the org’s commitments in the jurisdiction, tells the org, records an event', async () => {
		const before = await snapshot(ctx.db)
		const { id } = await createAccountabilityRecord(ctx.db, form(), county, NOW)
		const row = await ctx.db.selectFrom('accountabilityRecord').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
		expect(row).toMatchObject({ subjectType: 'org', subjectId: enterprise, regionCode: '513431000000', status: 'open', recordedBy: county.accountId, recorderOrgId: county.memberships[0].orgId })
		const cited = await ctx.db.selectFrom('accountabilityCommitment').select('commitmentId').where('recordId', '=', id).execute()
		expect(cited.map((r) => r.commitmentId).sort()).toEqual([c.mine, c.mine2].sort())
		const notes = await ctx.db.selectFrom('notification').selectAll().where('entityId', '=', id).execute()
		expect(notes.map((n) => n.accountId).sort()).toEqual([owner, member.accountId].sort())
		expect(notes[0].kind).toBe('accountability_recorded')
		expect(JSON.parse(notes[0].params)).toMatchObject({ subject: '昭觉县兴农合作社', official: county.memberships[0].orgName })
		expect(await snapshot(ctx.db)).toEqual({ record: before.record + 1, cited: before.cited + 2, event: before.event + 1, notification: before.notification + 2 })
	})

	it('refuses commitments outside the jurisdiction or of another provider, and other bad input, writing nothing', async () => {
		const before = await snapshot(ctx.db)
		await expect(createAccountabilityRecord(ctx.db, form({ commitmentIds: `${c.mine} ${c.outside}` }), county, NOW)).rejects.toMatchObject({
			code: 'invalid',
			fields: { commitmentIds: `supervision.errors.commitment_not_subject|${JSON.stringify({ ids: c.outside })}` },
		})
		await expect(createAccountabilityRecord(ctx.db, form({ commitmentIds: c.otherProvider }), county, NOW)).rejects.toMatchObject({ fields: { commitmentIds: expect.stringContaining(c.otherProvider) } })
		await expect(createAccountabilityRecord(ctx.db, form({ commitmentIds: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }), county, NOW)).rejects.toMatchObject({ code: 'invalid' })
		await expect(createAccountabilityRecord(ctx.db, form({ commitmentIds: 'abc' }), county, NOW)).rejects.toMatchObject({ fields: { commitmentIds: 'supervision.errors.commitment_id_format|{"id":"ABC"}' } })
		// A region subject: any commitment in the jurisdiction, but not one outside it.
		await expect(createAccountabilityRecord(ctx.db, form({ subjectType: 'region', subjectId: '513431000000', commitmentIds: c.outside }), county, NOW)).rejects.toMatchObject({
			fields: { commitmentIds: expect.stringMatching(/^supervision\.errors\.commitment_outside\|/) },
		})
		await expect(createAccountabilityRecord(ctx.db, form({ failure: '' }), county, NOW)).rejects.toMatchObject({ fields: { failure: 'validation.required' } })
		await expect(createAccountabilityRecord(ctx.db, form({ measures: 'x'.repeat(5001) }), county, NOW)).rejects.toMatchObject({ fields: { measures: 'validation.too_long|{"max":5000}' } })
		await expect(createAccountabilityRecord(ctx.db, form(), otherCounty, NOW)).rejects.toMatchObject({ code: 'forbidden', fields: { subjectId: 'supervision.errors.subject_outside' } })
		await expect(createAccountabilityRecord(ctx.db, form(), stranger, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		// The township official does not govern the county-level org; nor a commitment in its own township through it.
		await expect(createAccountabilityRecord(ctx.db, form({ commitmentIds: '' }), township, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		expect(await snapshot(ctx.db)).toEqual(before)
	})

	it('is seen by the recording level and above, and by the subject org; closed once with a note', async () => {
		const regional = await createAccountabilityRecord(ctx.db, form({ subjectType: 'region', subjectId: '513431100000', commitmentIds: c.otherProvider }), township, NOW + 1)
		const [orgRecord] = await listAccountabilityForSubject(ctx.db, { type: 'org', id: enterprise }, county)
		expect(orgRecord).toBeDefined()

		expect((await listAccountabilityRecords(ctx.db, township)).rows.map((r) => r.id)).toEqual([regional.id])
		expect((await listAccountabilityRecords(ctx.db, county)).rows.map((r) => r.id)).toEqual([regional.id, orgRecord.id])
		expect((await listAccountabilityRecords(ctx.db, province)).total).toBe(2)
		expect((await listAccountabilityRecords(ctx.db, admin)).total).toBe(2)
		expect((await listAccountabilityRecords(ctx.db, otherCounty)).total).toBe(0)
		expect((await listAccountabilityRecords(ctx.db, member)).rows.map((r) => r.id)).toEqual([orgRecord.id])
		expect((await listAccountabilityRecords(ctx.db, stranger)).total).toBe(0)
		expect((await listAccountabilityRecords(ctx.db, county, { subjectType: 'region' })).rows.map((r) => r.id)).toEqual([regional.id])
		expect(await listAccountabilityForSubject(ctx.db, { type: 'org', id: enterprise }, member)).toHaveLength(1)
		expect(await listAccountabilityForSubject(ctx.db, { type: 'org', id: enterprise }, otherCounty)).toEqual([])

		const detail = await getAccountabilityRecord(ctx.db, regional.id, province)
		expect(detail?.subjectName).toBe('四川省 凉山彝族自治州 昭觉县 新城镇')
		expect(detail?.commitments.map((x) => [x.id, x.providerName])).toEqual([[c.otherProvider, '某基金会']])
		expect(detail?.canClose).toBe(true)
		expect((await getAccountabilityRecord(ctx.db, orgRecord.id, member))?.canClose).toBe(false)
		expect(await getAccountabilityRecord(ctx.db, orgRecord.id, otherCounty)).toBeUndefined()
		expect(await getAccountabilityRecord(ctx.db, orgRecord.id, township)).toBeUndefined()

		await expect(closeAccountabilityRecord(ctx.db, orgRecord.id, { note: '已整改' }, otherCounty, NOW)).rejects.toMatchObject({ code: 'not_found' })
		await expect(closeAccountabilityRecord(ctx.db, orgRecord.id, { note: '已整改' }, member, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		await expect(closeAccountabilityRecord(ctx.db, orgRecord.id, { note: ' ' }, county, NOW)).rejects.toMatchObject({ fields: { note: 'validation.required' } })
		await closeAccountabilityRecord(ctx.db, orgRecord.id, { note: '整改到位，予以办结' }, county, NOW + 5)
		await expect(closeAccountabilityRecord(ctx.db, orgRecord.id, { note: '再次' }, province, NOW + 6)).rejects.toMatchObject({ code: 'conflict' })
		const closed = await getAccountabilityRecord(ctx.db, orgRecord.id, county)
		expect(closed).toMatchObject({ status: 'closed', closeNote: '整改到位，予以办结', closedAt: NOW + 5, canClose: false })
		const events = await ctx.db.selectFrom('event').select(['action', 'toState']).where('entityId', '=', orgRecord.id).orderBy('createdAt').execute()
		expect(events).toEqual([
			{ action: 'recorded', toState: 'open' },
			{ action: 'closed', toState: 'closed' },
		])
		expect((await listAccountabilityRecords(ctx.db, county, { status: 'open' })).rows.map((r) => r.id)).toEqual([regional.id])
	})
})
