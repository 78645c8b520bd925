import { beforeAll, expect, it } from 'vitest'
import type { DB } from '#db/schema.ts'
import type { Kysely } from 'kysely'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { addInterviewFollowUp, createInterview, getInterview, listInterviews, listInterviewsForSubject, remindInterviewDeadlines } from './interview.server.ts'
import { runPeriodicJobs } from './jobs.server.ts'
import type { Actor } from './policy.server.ts'

// 2026-11-20 10:00 in China.
const NOW = Date.UTC(2026, 10, 20, 2)
const TODAY = chinaDayStart(NOW)
const day = (offset: number) => formatChinaDate(TODAY + offset * DAY_MS)

async function snapshot(db: Kysely<DB>) {
	return { interview: await countRows(db, 'interview'), followUp: await countRows(db, 'interviewFollowUp'), event: await countRows(db, 'event'), notification: await countRows(db, 'notification') }
}

describeDb('interviews', (ctx) => {
	let county: Actor
	let township: Actor
	let province: Actor
	let otherCounty: Actor
	let admin: Actor
	let orgOwner: string
	let orgMember: string
	let stranger: Actor
	let enterprise: string
	let centralUnit: string
	let village: string

	beforeAll(async () => {
		await seedRegions(ctx.db)
		county = await makeOfficial(ctx.db, '513431000000')
		township = await makeOfficial(ctx.db, '513431100000')
		province = await makeOfficial(ctx.db, '510000000000')
		otherCounty = await makeOfficial(ctx.db, '513432000000')
		admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		orgOwner = (await makeAccount(ctx.db)).id
		orgMember = (await makeAccount(ctx.db)).id
		enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000', ownerId: orgOwner, name: '昭觉县兴农合作社' })
		await ctx.db.insertInto('membership').values({ orgId: enterprise, accountId: orgMember, role: 'member', createdAt: NOW }).execute()
		centralUnit = await makeOrg(ctx.db, 'central_unit', { regionCode: null, ownerId: orgOwner, name: '某中央单位' })
		village = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: orgOwner })
	})

	const form = (o: Record<string, unknown> = {}) => ({
		subjectType: 'org',
		subjectId: enterprise,
		heldOn: day(0),
		attendees: '合作社理事长、县乡村振兴局',
		issues: '帮扶承诺多次逾期，未按期交付花椒烘干设备',
		rectification: '30 日内完成交付并报送整改报告',
		deadline: day(30),
		...o,
	})

	it('records an interview with an org, tells its members, and records an event', async () => {
		const before = await snapshot(ctx.db)
		const { id } = await createInterview(ctx.db, form(), county, NOW)
		const row = await ctx.db.selectFrom('interview').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
		expect(row).toMatchObject({ subjectType: 'org', subjectId: enterprise, regionCode: '513431000000', status: 'open', interviewerId: county.accountId, heldAt: TODAY, deadline: TODAY + 30 * DAY_MS })
		expect(row.interviewerOrgId).toBe(county.memberships[0].orgId)
		const notes = await ctx.db.selectFrom('notification').selectAll().where('entityId', '=', id).orderBy('accountId').execute()
		expect(notes.map((n) => n.accountId)).toEqual([orgOwner, orgMember].sort())
		expect(notes[0].kind).toBe('interview_recorded')
		expect(JSON.parse(notes[0].params)).toMatchObject({ subject: '昭觉县兴农合作社', deadline: day(30), official: county.memberships[0].orgName })
		const events = await ctx.db.selectFrom('event').selectAll().where('entityId', '=', id).execute()
		expect(events).toHaveLength(1)
		expect(events[0]).toMatchObject({ entityType: 'interview', action: 'recorded', toState: 'open', actorAccountId: county.accountId })
		expect(await snapshot(ctx.db)).toEqual({ ...before, interview: before.interview + 1, event: before.event + 1, notification: before.notification + 2 })
	})

	it('refuses bad input by field and writes nothing', async () => {
		const before = await snapshot(ctx.db)
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ deadline: day(-1) }, { deadline: 'supervision.errors.deadline_past' }],
			[{ heldOn: day(1) }, { heldOn: 'supervision.errors.held_in_future' }],
			[{ deadline: '2026-02-30' }, { deadline: 'supervision.errors.date_format' }],
			[{ attendees: '  ' }, { attendees: 'validation.required' }],
			[{ issues: 'x'.repeat(5001) }, { issues: 'validation.too_long|{"max":5000}' }],
			[{ rectification: undefined }, { rectification: 'validation.required' }],
			[{ subjectType: 'person' }, { subjectType: 'supervision.errors.subject_type' }],
			[{ subjectId: 'NOPE' }, { subjectId: 'supervision.errors.subject_not_found' }],
			[{ subjectId: village }, { subjectId: 'supervision.errors.subject_not_found' }],
			[{ subjectType: 'region', subjectId: '513431999000' }, { subjectId: 'supervision.errors.subject_not_found' }],
		]
		for (const [override, fields] of cases) {
			await expect(createInterview(ctx.db, form(override), county, NOW), JSON.stringify(override)).rejects.toMatchObject({ code: 'invalid', fields })
		}
		// A deadline of today is allowed; the refusal above was only for yesterday.
		expect(await snapshot(ctx.db)).toEqual(before)
	})

	it('refuses subjects outside the jurisdiction (403, naming the field), and org subjects without a region to all but national admins', async () => {
		const before = await snapshot(ctx.db)
		await expect(createInterview(ctx.db, form(), otherCounty, NOW)).rejects.toMatchObject({ code: 'forbidden', fields: { subjectId: 'supervision.errors.subject_outside' } })
		await expect(createInterview(ctx.db, form(), township, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		await expect(createInterview(ctx.db, form({ subjectId: centralUnit }), county, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		await expect(createInterview(ctx.db, form(), stranger, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		expect(await snapshot(ctx.db)).toEqual(before)
		const { id } = await createInterview(ctx.db, form({ subjectId: centralUnit, deadline: day(0) }), admin, NOW)
		expect(await ctx.db.selectFrom('interview').select(['regionCode', 'interviewerOrgId']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ regionCode: '', interviewerOrgId: '' })
	})

	it('takes follow-ups in order and closes once; only officials over the subject', async () => {
		const { id } = await createInterview(ctx.db, form({ subjectType: 'region', subjectId: '513431100000' }), township, NOW)
		expect(await ctx.db.selectFrom('interview').select('interviewerOrgId').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ interviewerOrgId: township.memberships[0].orgId })
		await expect(addInterviewFollowUp(ctx.db, id, { note: '', statusTo: 'open' }, township, NOW)).rejects.toMatchObject({ code: 'invalid', fields: { note: 'validation.required' } })
		await expect(addInterviewFollowUp(ctx.db, id, { note: '进展', statusTo: 'done' }, township, NOW)).rejects.toMatchObject({ fields: { statusTo: 'supervision.errors.status_invalid' } })
		await expect(addInterviewFollowUp(ctx.db, id, { note: '越权', statusTo: 'rectified' }, otherCounty, NOW)).rejects.toMatchObject({ code: 'not_found' })
		await expect(addInterviewFollowUp(ctx.db, id, { note: '越权', statusTo: 'rectified' }, stranger, NOW)).rejects.toMatchObject({ code: 'not_found' })

		await addInterviewFollowUp(ctx.db, id, { note: '已完成一半', statusTo: 'open' }, township, NOW + 1000)
		await addInterviewFollowUp(ctx.db, id, { note: '整改到位', statusTo: 'rectified' }, county, NOW + 2000)
		await expect(addInterviewFollowUp(ctx.db, id, { note: '再次', statusTo: 'unresolved' }, county, NOW + 3000)).rejects.toMatchObject({ code: 'conflict', message: 'supervision.errors.interview_closed' })

		const detail = await getInterview(ctx.db, id, province)
		expect(detail?.status).toBe('rectified')
		expect(detail?.closedAt).toBe(NOW + 2000)
		expect(detail?.followUps.map((f) => [f.note, f.statusTo])).toEqual([
			['已完成一半', 'open'],
			['整改到位', 'rectified'],
		])
		expect(detail?.canFollowUp).toBe(false)
		const events = await ctx.db.selectFrom('event').select(['action', 'fromState', 'toState']).where('entityId', '=', id).orderBy('createdAt').execute()
		expect(events).toEqual([
			{ action: 'recorded', fromState: null, toState: 'open' },
			{ action: 'followed_up', fromState: 'open', toState: 'open' },
			{ action: 'rectified', fromState: 'open', toState: 'rectified' },
		])
	})

	it('lists interviews by jurisdiction, status and subject; subject pages show them to the org', async () => {
		const mine = await listInterviews(ctx.db, county)
		expect(mine.rows.length).toBeGreaterThanOrEqual(2)
		expect(mine.rows.every((r) => r.regionCode.startsWith('513431'))).toBe(true)
		expect((await listInterviews(ctx.db, otherCounty)).total).toBe(0)
		expect((await listInterviews(ctx.db, county, { status: 'rectified' })).rows.map((r) => r.subjectName)).toEqual(['四川省 凉山彝族自治州 昭觉县 新城镇'])
		expect((await listInterviews(ctx.db, province, { subjectType: 'org', subjectId: enterprise })).rows.map((r) => r.subjectName)).toEqual(['昭觉县兴农合作社'])
		// The township sees its own region's interviews, not the county-level org's.
		expect((await listInterviews(ctx.db, township)).rows.map((r) => r.subjectType)).toEqual(['region'])
		expect((await listInterviews(ctx.db, admin)).total).toBe(mine.total + 1)

		const member = await actorFor(ctx.db, orgMember)
		const forOrg = await listInterviewsForSubject(ctx.db, { type: 'org', id: enterprise }, member)
		expect(forOrg).toHaveLength(1)
		expect(await listInterviewsForSubject(ctx.db, { type: 'org', id: enterprise }, stranger)).toEqual([])
		expect(await listInterviewsForSubject(ctx.db, { type: 'org', id: enterprise }, otherCounty)).toEqual([])
		expect(await listInterviewsForSubject(ctx.db, { type: 'org', id: enterprise }, null)).toEqual([])
		const seen = await getInterview(ctx.db, forOrg[0].id, member)
		expect(seen?.canFollowUp).toBe(false)
		expect(await getInterview(ctx.db, forOrg[0].id, stranger)).toBeUndefined()
		expect((await getInterview(ctx.db, forOrg[0].id, county))?.canFollowUp).toBe(true)
	})

	it('reminds both orgs once when the deadline day comes, also through the jobs and two runners at once', async () => {
		// The interviews of the tests above count as reminded already: only these three are new.
		await ctx.db.updateTable('interview').set({ remindedAt: NOW }).execute()
		const dueIn2 = await createInterview(ctx.db, form({ deadline: day(2) }), county, NOW)
		const dueIn5 = await createInterview(ctx.db, form({ deadline: day(5) }), county, NOW)
		const closed = await createInterview(ctx.db, form({ deadline: day(2) }), county, NOW)
		await addInterviewFollowUp(ctx.db, closed.id, { note: '已整改', statusTo: 'rectified' }, county, NOW)
		const countFor = async (id: string) => (await ctx.db.selectFrom('notification').select('accountId').where('entityId', '=', id).where('kind', '=', 'interview_deadline').execute()).map((r) => r.accountId).sort()

		// The day before: nothing.
		expect(await remindInterviewDeadlines(ctx.db, TODAY + 2 * DAY_MS - 1)).toBe(0)
		expect(await countFor(dueIn2.id)).toEqual([])
		// The deadline day: the interviewing official's org and both subject-org members.
		const at = TODAY + 2 * DAY_MS + 3_600_000
		expect(await remindInterviewDeadlines(ctx.db, at)).toBe(3)
		expect(await countFor(dueIn2.id)).toEqual([county.accountId, orgOwner, orgMember].sort())
		expect(await countFor(closed.id)).toEqual([])
		expect(await countFor(dueIn5.id)).toEqual([])
		expect(await remindInterviewDeadlines(ctx.db, at + 1000)).toBe(0)
		expect(await runPeriodicJobs(ctx.db, at + 2000, { mailer: null })).toMatchObject({ interviewDeadlineReminders: 0 })
		const row = await ctx.db.selectFrom('notification').select(['params', 'dedupeKey']).where('entityId', '=', dueIn2.id).where('accountId', '=', orgOwner).where('kind', '=', 'interview_deadline').executeTakeFirstOrThrow()
		expect(JSON.parse(row.params)).toEqual({ subject: '昭觉县兴农合作社', deadline: day(2) })
		expect(row.dedupeKey).toBe(`interview_deadline:${dueIn2.id}:${orgOwner}`)

		// Two runners at once (and the periodic jobs): each recipient once.
		const later = TODAY + 5 * DAY_MS + 60_000
		const runs = await Promise.all([remindInterviewDeadlines(ctx.db, later), remindInterviewDeadlines(ctx.db, later), runPeriodicJobs(ctx.db, later, { mailer: null })])
		expect(runs[0] + runs[1] + runs[2].interviewDeadlineReminders).toBe(3)
		expect(await countFor(dueIn5.id)).toEqual([county.accountId, orgOwner, orgMember].sort())
	})
})
