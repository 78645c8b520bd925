import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { DB, OrgKind } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { listEvents } from './event.server.ts'
import { parseChinaDate } from '#app/utils/china-date.ts'
import { addProjectUpdate, createProject, getProject, listProjectsForOrg, listProjectsForVillage, transitionProject, updateProject, verifyProjectInvestment } from './project.server.ts'
import { makeOfficial } from '#tests/factories.ts'

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

// 2026-06-15 12:00 in China.
const NOW = Date.UTC(2026, 5, 15, 4)

function projectInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: '花椒种植基地',
		description: '流转土地 300 亩种植青花椒，村集体入股分红。',
		type: 'industry',
		villageCodes: ['513431100201', '513431100202'],
		plannedInvestment: '2500000.50',
		permanentJobs: '12',
		temporaryJobs: '80',
		peopleTrained: '150',
		startsOn: '2026-03-01',
		endsOn: '2027-12-31',
		...overrides,
	}
}

async function enterprise(db: Kysely<DB>, options: { kind?: OrgKind; status?: 'verified' | 'pending' | 'suspended' } = {}) {
	const owner = await makeAccount(db)
	const orgId = await makeOrg(db, options.kind ?? 'enterprise', { ownerId: owner.id, regionCode: '330100000000', status: options.status })
	const member = await makeAccount(db)
	await db.insertInto('membership').values({ orgId, accountId: member.id, role: 'member', createdAt: NOW }).execute()
	return { orgId, owner: await actorFor(db, owner.id), member: await actorFor(db, member.id) }
}

async function snapshot(db: Kysely<DB>, projectId?: string) {
	return {
		projects: await countRows(db, 'project'),
		villages: await countRows(db, 'projectVillage'),
		updates: await countRows(db, 'projectUpdate'),
		events: await countRows(db, 'event'),
		outbox: await countRows(db, 'searchOutbox'),
		row: projectId ? await db.selectFrom('project').selectAll().where('id', '=', projectId).executeTakeFirst() : undefined,
	}
}

async function outboxCount(db: Kysely<DB>, id: string) {
	const rows = await db.selectFrom('searchOutbox').select('entityType').where('entityId', '=', id).execute()
	expect(rows.every((r) => r.entityType === 'project')).toBe(true)
	return rows.length
}

describeDb('CSR projects', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('registers a project in villages and shows it on the enterprise and village pages', async () => {
		const e = await enterprise(ctx.db)
		const { id } = await createProject(ctx.db, e.orgId, projectInput(), e.owner, NOW)
		const row = await ctx.db.selectFrom('project').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
		expect(row).toMatchObject({
			enterpriseOrgId: e.orgId,
			status: 'planned',
			type: 'industry',
			plannedInvestment: 250000050,
			permanentJobs: 12,
			temporaryJobs: 80,
			peopleTrained: 150,
			startsOn: parseChinaDate('2026-03-01'),
			endsOn: parseChinaDate('2027-12-31'),
		})
		expect(await outboxCount(ctx.db, id)).toBe(1)
		expect((await listEvents(ctx.db, 'project', id)).map((ev) => [ev.action, ev.toState])).toEqual([['create', 'planned']])

		const project = await getProject(ctx.db, id)
		expect(project).toMatchObject({
			title: '花椒种植基地',
			villages: [
				{ code: '513431100201', name: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' },
				{ code: '513431100202', name: '四川省 凉山彝族自治州 昭觉县 新城镇 火普村' },
			],
			updates: [],
			viewer: { canManage: false, actions: [] },
		})
		expect(project?.enterpriseName).toMatch(/^enterprise-/)
		expect((await getProject(ctx.db, id, e.owner))?.viewer).toEqual({ canManage: true, canEdit: true, actions: ['start'], canVerify: false })
		expect((await listProjectsForOrg(ctx.db, e.orgId)).map((p) => p.id)).toEqual([id])
		expect((await listProjectsForVillage(ctx.db, '513431100202')).map((p) => [p.id, p.villages.length])).toEqual([[id, 2]])
		expect((await listProjectsForVillage(ctx.db, '513432100201')).map((p) => p.id)).not.toContain(id)
		expect(await getProject(ctx.db, 'NOSUCHPROJECT00000000000000')).toBeUndefined()

		// Zero investment and empty counts are fine for a public-welfare project.
		const welfare = await createProject(ctx.db, e.orgId, projectInput({ type: 'public_welfare', plannedInvestment: 0, permanentJobs: '', temporaryJobs: undefined, peopleTrained: '' }), e.owner, NOW)
		expect(await ctx.db.selectFrom('project').select(['plannedInvestment', 'permanentJobs', 'temporaryJobs', 'peopleTrained']).where('id', '=', welfare.id).executeTakeFirstOrThrow()).toEqual({
			plannedInvestment: 0,
			permanentJobs: 0,
			temporaryJobs: 0,
			peopleTrained: 0,
		})
	})

	it('moves status forward one step at a time and never back', async () => {
		const e = await enterprise(ctx.db)
		const { id } = await createProject(ctx.db, e.orgId, projectInput(), e.owner, NOW)
		let before = await snapshot(ctx.db, id)
		const skip = await appError(transitionProject(ctx.db, id, { action: 'complete' }, e.owner, NOW))
		expect([skip.code, skip.message]).toEqual(['conflict', 'errors.project_wrong_status'])
		expect(await snapshot(ctx.db, id)).toEqual(before)

		expect(await transitionProject(ctx.db, id, { action: 'start' }, e.owner, NOW)).toEqual({ status: 'running' })
		expect((await appError(transitionProject(ctx.db, id, { action: 'start' }, e.owner, NOW))).code).toBe('conflict')
		await transitionProject(ctx.db, id, { action: 'complete' }, e.owner, NOW)
		before = await snapshot(ctx.db, id)
		for (const action of ['start', 'complete']) expect((await appError(transitionProject(ctx.db, id, { action }, e.owner, NOW))).code).toBe('conflict')
		expect((await appError(transitionProject(ctx.db, id, { action: 'reopen' }, e.owner, NOW))).fields).toEqual({ action: 'validation.project_action_invalid' })
		// A completed project's record is final.
		expect((await appError(updateProject(ctx.db, id, projectInput({ title: '改名' }), e.owner, NOW))).message).toBe('errors.project_not_editable')
		expect(await snapshot(ctx.db, id)).toEqual(before)

		expect((await listEvents(ctx.db, 'project', id)).map((ev) => [ev.action, ev.fromState, ev.toState])).toEqual([
			['create', null, 'planned'],
			['start', 'planned', 'running'],
			['complete', 'running', 'completed'],
		])
		expect(await outboxCount(ctx.db, id)).toBe(3)
		expect((await getProject(ctx.db, id, e.owner))?.viewer).toEqual({ canManage: true, canEdit: false, actions: [], canVerify: false })
	})

	it('records dated progress updates, newest first, not in the future nor before the start', async () => {
		const e = await enterprise(ctx.db)
		const { id } = await createProject(ctx.db, e.orgId, projectInput(), e.owner, NOW)
		await addProjectUpdate(ctx.db, id, { body: '完成土地流转', happenedOn: '2026-03-10' }, e.owner, NOW)
		await addProjectUpdate(ctx.db, id, { body: '<b>首批</b>花椒苗定植', happenedOn: '2026-06-15' }, e.owner, NOW)
		await addProjectUpdate(ctx.db, id, { body: '开工仪式', happenedOn: '2026-03-01' }, e.owner, NOW)
		const project = await getProject(ctx.db, id)
		expect(project?.updates.map((u) => u.body)).toEqual(['<b>首批</b>花椒苗定植', '完成土地流转', '开工仪式'])
		expect(project?.updates[0].authorName).toBe(e.owner.displayName)
		expect(await outboxCount(ctx.db, id)).toBe(4)
		expect((await listEvents(ctx.db, 'project', id)).map((ev) => ev.action)).toEqual(['create', 'add_update', 'add_update', 'add_update'])

		const before = await snapshot(ctx.db, id)
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ body: '明天的事', happenedOn: '2026-06-16' }, { happenedOn: 'errors.date_in_future' }],
			[{ body: '开工前', happenedOn: '2026-02-28' }, { happenedOn: 'errors.before_project_start|{"date":"2026-03-01"}' }],
			[{ body: '', happenedOn: '2026-06-01' }, { body: 'validation.required' }],
			[{ body: 'x'.repeat(5001), happenedOn: '2026-06-01' }, { body: 'validation.too_long|{"max":5000}' }],
			[{ body: '日期不对', happenedOn: '2026-13-01' }, { happenedOn: 'validation.date_format' }],
		]
		for (const [input, fields] of cases) {
			const err = await appError(addProjectUpdate(ctx.db, id, input, e.owner, NOW))
			expect([err.code, err.fields]).toEqual(['invalid', fields])
		}
		// The start date cannot move past a recorded update.
		const moved = await appError(updateProject(ctx.db, id, projectInput({ startsOn: '2026-03-05' }), e.owner, NOW))
		expect(moved.fields).toEqual({ startsOn: 'errors.start_after_updates|{"date":"2026-03-01"}' })
		expect(await snapshot(ctx.db, id)).toEqual(before)

		await updateProject(ctx.db, id, projectInput({ villageCodes: '513432100201', plannedInvestment: '3000000' }), e.owner, NOW)
		expect(await getProject(ctx.db, id)).toMatchObject({ plannedInvestment: 300000000, villages: [{ code: '513432100201', name: '四川省 凉山彝族自治州 喜德县 光明镇 光明村' }] })
		expect((await listProjectsForVillage(ctx.db, '513431100201')).map((p) => p.id)).not.toContain(id)
		expect((await listProjectsForVillage(ctx.db, '513432100201')).map((p) => p.id)).toContain(id)
		expect(await outboxCount(ctx.db, id)).toBe(5)
	})

	it('lets only owners and admins of a verified enterprise act, writing nothing otherwise', async () => {
		const e = await enterprise(ctx.db)
		const { id } = await createProject(ctx.db, e.orgId, projectInput(), e.owner, NOW)
		const other = await enterprise(ctx.db)
		const social = await enterprise(ctx.db, { kind: 'social_org' })
		const pending = await enterprise(ctx.db, { status: 'pending' })
		let before = await snapshot(ctx.db, id)

		const attempts: Array<[() => Promise<unknown>, string, string]> = [
			[() => updateProject(ctx.db, id, projectInput({ title: '别人改的' }), other.owner, NOW), 'forbidden', 'errors.forbidden'],
			[() => transitionProject(ctx.db, id, { action: 'start' }, other.owner, NOW), 'forbidden', 'errors.forbidden'],
			[() => addProjectUpdate(ctx.db, id, { body: '冒名进展', happenedOn: '2026-06-01' }, other.owner, NOW), 'forbidden', 'errors.forbidden'],
			[() => transitionProject(ctx.db, id, { action: 'start' }, e.member, NOW), 'forbidden', 'errors.not_org_admin'],
			[() => addProjectUpdate(ctx.db, id, { body: '普通成员', happenedOn: '2026-06-01' }, e.member, NOW), 'forbidden', 'errors.not_org_admin'],
			[() => createProject(ctx.db, e.orgId, projectInput(), e.member, NOW), 'forbidden', 'errors.not_org_admin'],
			[() => createProject(ctx.db, e.orgId, projectInput(), other.owner, NOW), 'forbidden', 'errors.forbidden'],
			[() => createProject(ctx.db, social.orgId, projectInput(), social.owner, NOW), 'forbidden', 'errors.org_cannot_project'],
			[() => createProject(ctx.db, pending.orgId, projectInput(), pending.owner, NOW), 'forbidden', 'errors.org_not_verified'],
			[() => createProject(ctx.db, 'NOSUCHORG00000000000000000', projectInput(), e.owner, NOW), 'not_found', 'errors.org_not_found'],
			[() => transitionProject(ctx.db, 'NOSUCHPROJECT00000000000000', { action: 'start' }, e.owner, NOW), 'not_found', 'errors.not_found'],
			[() => addProjectUpdate(ctx.db, 'NOSUCHPROJECT00000000000000', { body: 'x', happenedOn: '2026-06-01' }, e.owner, NOW), 'not_found', 'errors.not_found'],
		]
		for (const [attempt, code, message] of attempts) {
			const err = await appError(attempt())
			expect([err.code, err.message]).toEqual([code, message])
		}
		expect(await snapshot(ctx.db, id)).toEqual(before)

		await ctx.db.updateTable('organization').set({ status: 'suspended' }).where('id', '=', e.orgId).execute()
		const suspended = await actorFor(ctx.db, e.owner.accountId)
		before = await snapshot(ctx.db, id)
		for (const attempt of [
			() => transitionProject(ctx.db, id, { action: 'start' }, suspended, NOW),
			() => updateProject(ctx.db, id, projectInput(), suspended, NOW),
			() => addProjectUpdate(ctx.db, id, { body: '停用后', happenedOn: '2026-06-01' }, suspended, NOW),
			() => createProject(ctx.db, e.orgId, projectInput(), suspended, NOW),
		]) {
			const err = await appError(attempt())
			expect([err.code, err.message]).toEqual(['forbidden', 'errors.org_not_verified'])
		}
		expect((await getProject(ctx.db, id, suspended))?.viewer.canManage).toBe(false)
		expect(await snapshot(ctx.db, id)).toEqual(before)
	})

	it('an official of one of its villages verifies the actual investment of a running project', async () => {
		const e = await enterprise(ctx.db)
		const { id } = await createProject(ctx.db, e.orgId, projectInput(), e.owner, NOW)
		const county = await makeOfficial(ctx.db, '513431000000')
		const elsewhere = await makeOfficial(ctx.db, '513432000000')
		// Planned: not verifiable yet.
		expect((await appError(verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '100' }, county, NOW))).message).toBe('errors.project_wrong_status')
		await transitionProject(ctx.db, id, { action: 'start' }, e.owner, NOW)
		const before = await snapshot(ctx.db, id)
		expect((await appError(verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '100' }, elsewhere, NOW))).code).toBe('forbidden')
		expect((await appError(verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '100' }, e.owner, NOW))).code).toBe('forbidden')
		expect((await appError(verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '-1' }, county, NOW))).fields).toEqual({ verifiedInvestment: 'validation.must_not_be_negative' })
		expect((await appError(verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '' }, county, NOW))).fields).toEqual({ verifiedInvestment: 'validation.required' })
		expect(await snapshot(ctx.db, id)).toEqual(before)
		expect(await verifyProjectInvestment(ctx.db, id, { verifiedInvestment: '1800000.5' }, county, NOW)).toEqual({ verifiedInvestment: 180_000_050 })
		const project = await getProject(ctx.db, id, county)
		expect([project?.verifiedInvestment, project?.verifiedAt, project?.viewer.canVerify]).toEqual([180_000_050, NOW, true])
		expect((await getProject(ctx.db, id, elsewhere))?.viewer.canVerify).toBe(false)
		expect((await listEvents(ctx.db, 'project', id)).map((ev) => ev.action)).toContain('verify_investment')
	})

	it('refuses bad input with a message naming the field, writing nothing', async () => {
		const e = await enterprise(ctx.db)
		const before = await snapshot(ctx.db)
		const tooMany = Array.from({ length: 101 }, (_, i) => `513431100${String(i + 200).padStart(3, '0')}`)
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ villageCodes: ['513431000000'] }, { villageCodes: 'errors.not_villages|{"codes":"513431000000"}' }],
			[{ villageCodes: ['513431100201', '513431100299'] }, { villageCodes: 'errors.not_villages|{"codes":"513431100299"}' }],
			[{ villageCodes: [] }, { villageCodes: 'validation.villages_required' }],
			[{ villageCodes: tooMany }, { villageCodes: 'validation.villages_too_many|{"max":100}' }],
			[{ villageCodes: ['三河村'] }, { villageCodes: 'validation.region_codes_format|{"code":"三河村"}' }],
			[{ plannedInvestment: '-1' }, { plannedInvestment: 'validation.must_not_be_negative' }],
			[{ plannedInvestment: '10000000000.01' }, { plannedInvestment: 'validation.amount_too_large' }],
			[{ plannedInvestment: '' }, { plannedInvestment: 'validation.required' }],
			[{ plannedInvestment: '1.234' }, { plannedInvestment: 'validation.amount_decimals' }],
			[{ permanentJobs: '-1' }, { permanentJobs: 'validation.must_not_be_negative' }],
			[{ temporaryJobs: '10000001' }, { temporaryJobs: 'validation.count_too_large' }],
			[{ peopleTrained: '1.5' }, { peopleTrained: 'validation.whole_number' }],
			[{ type: 'charity' }, { type: 'validation.project_type_invalid' }],
			[{ startsOn: '2027-01-01', endsOn: '2026-12-31' }, { endsOn: 'validation.date_order' }],
			[{ title: '村'.repeat(10_000) }, { title: 'validation.too_long|{"max":200}' }],
			[{ description: '' }, { description: 'validation.required' }],
		]
		for (const [overrides, fields] of cases) {
			const err = await appError(createProject(ctx.db, e.orgId, projectInput(overrides), e.owner, NOW))
			expect([err.code, err.fields, overrides]).toEqual(['invalid', fields, overrides])
		}
		expect(await snapshot(ctx.db)).toEqual(before)
	})
})
