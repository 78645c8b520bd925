import { beforeAll, describe, expect, it } from 'vitest'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { countRows, makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action as editAction, loader as editLoader } from './projects.$projectId_.edit.tsx'
import { action as projectAction, loader as projectLoader } from './projects.$projectId.tsx'
import { action as newAction, loader as newLoader } from './projects.new.tsx'

const ctx = useGlobalTestDb()
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

function projectForm(overrides: Record<string, string | undefined> = {}) {
	return {
		intent: 'save',
		title: '花椒加工厂',
		description: '建设花椒烘干和加工车间，吸纳村民就业。',
		type: 'industry',
		villageCodes: '513431100201 513431100202',
		plannedInvestment: '2500000',
		permanentJobs: '20',
		temporaryJobs: '60',
		peopleTrained: '',
		startsOn: dateIn(-30),
		endsOn: dateIn(335),
		...overrides,
	}
}

function writes() {
	return Promise.all([countRows(ctx.db, 'project'), countRows(ctx.db, 'projectVillage'), countRows(ctx.db, 'projectUpdate'), countRows(ctx.db, 'event'), countRows(ctx.db, 'searchOutbox')])
}

async function projectRow(id: string) {
	return ctx.db.selectFrom('project').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

let owner: string
let plainMember: string
let enterprise: string
let otherOwner: string

beforeAll(async () => {
	await seedRegions(ctx.db)
	owner = (await makeAccount(ctx.db, { displayName: '企业社会责任部' })).id
	enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: owner, name: '杭州兴村农业科技有限公司' })
	plainMember = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: enterprise, accountId: plainMember, role: 'member', createdAt: Date.now() }).execute()
	otherOwner = (await makeAccount(ctx.db)).id
	await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: otherOwner, name: '另一家企业' })
})

async function createViaRoute(overrides: Record<string, string | undefined> = {}) {
	const res = await runRoute(newAction, await requestAs(owner, '/projects/new', { form: projectForm(overrides) }))
	expect(res.status).toBe(302)
	const id = res.location?.match(/^\/projects\/([^?]+)\?created=1$/)?.[1]
	expect(id).toBeTruthy()
	return id as string
}

describe('/projects/new', () => {
	it('is for owners and admins of verified enterprises; others get an explanation and a 403', async () => {
		const central = (await makeAccount(ctx.db)).id
		const centralOrg = await makeOrg(ctx.db, 'central_unit', { ownerId: central })
		const loner = (await makeAccount(ctx.db)).id
		expect((await runRoute(newLoader, await requestAs(null, '/projects/new'))).status).toBe(302)
		expect((await runRoute(newLoader, await requestAs(central, '/projects/new'))).data).toMatchObject({ orgs: [], reason: 'not_enterprise' })
		expect((await runRoute(newLoader, await requestAs(loner, '/projects/new'))).data.reason).toBe('not_enterprise')
		expect((await runRoute(newLoader, await requestAs(plainMember, '/projects/new'))).data.reason).toBe('not_admin')
		expect((await runRoute(newLoader, await requestAs(owner, '/projects/new'))).data).toMatchObject({ orgs: [{ id: enterprise, name: '杭州兴村农业科技有限公司' }], reason: null })

		const before = await writes()
		const byCentral = await runRoute(newAction, await requestAs(central, '/projects/new', { form: projectForm({ orgId: centralOrg }) }))
		expect(byCentral.status).toBe(403)
		expect(byCentral.data.result.error['']).toEqual(['errors.org_cannot_project'])
		const byMember = await runRoute(newAction, await requestAs(plainMember, '/projects/new', { form: projectForm({ orgId: enterprise }) }))
		expect(byMember.status).toBe(403)
		expect(byMember.data.result.error['']).toEqual(['errors.not_org_admin'])
		expect((await runRoute(newAction, await requestAs(otherOwner, '/projects/new', { form: projectForm({ orgId: enterprise }) }))).status).toBe(403)
		expect(await writes()).toEqual(before)
	})

	it('refuses bad dates, amounts and villages with field-named errors and writes nothing', async () => {
		const before = await writes()
		const run = async (overrides: Record<string, string | undefined>) => {
			const res = await runRoute(newAction, await requestAs(owner, '/projects/new', { form: projectForm(overrides) }))
			expect(res.status).toBe(400)
			return res.data.result.error as Record<string, string[]>
		}
		expect(await run({ startsOn: dateIn(10), endsOn: dateIn(5) })).toMatchObject({ endsOn: ['validation.date_order'] })
		expect(await run({ startsOn: '2026-02-30', endsOn: '' })).toMatchObject({ startsOn: ['validation.date_format'], endsOn: ['validation.required'] })
		expect(await run({ plannedInvestment: '-5', permanentJobs: '2.5' })).toMatchObject({ plannedInvestment: ['validation.must_not_be_negative'], permanentJobs: ['validation.whole_number'] })
		expect(await run({ type: 'charity', villageCodes: '' })).toMatchObject({ type: ['validation.project_type_invalid'], villageCodes: ['validation.villages_required'] })
		// A county code is not a village: the model's field error.
		expect(await run({ villageCodes: '513431100201 513431000000' })).toEqual({ villageCodes: ['errors.not_villages|{"codes":"513431000000"}'] })
		expect(await writes()).toEqual(before)
	})

	it('finds villages by name without JavaScript, villages only', async () => {
		const res = await runRoute(newAction, await requestAs(owner, '/projects/new', { form: projectForm({ intent: 'add-region:513432100201', regionQ: '光明' }) }))
		expect(res.status).toBe(200)
		expect(res.data.finder.regions).toEqual([{ code: '513432100201', level: 5, fullName: '四川省 凉山彝族自治州 喜德县 光明镇 光明村' }])
		expect(res.data.result.initialValue.villageCodes).toBe('513431100201 513431100202 513432100201')
	})
})

describe('/projects/:projectId', () => {
	it('registers, starts, records progress and completes; dates out of range are refused', async () => {
		const id = await createViaRoute()
		expect(await projectRow(id)).toMatchObject({ enterpriseOrgId: enterprise, status: 'planned', plannedInvestment: 250_000_000, permanentJobs: 20, temporaryJobs: 60, peopleTrained: 0 })
		const url = `/projects/${id}`
		const act = async (accountId: string, form: Record<string, string>) => runRoute(projectAction, await requestAs(accountId, url, { form }), { projectId: id })

		const page = await runRoute(projectLoader, await requestAs(null, url), { projectId: id })
		expect(page.status).toBe(200)
		expect(page.data.project).toMatchObject({ title: '花椒加工厂', viewer: { canManage: false, actions: [] } })
		expect(page.data.project.villages.map((v: { name: string }) => v.name)).toEqual(['四川省 凉山彝族自治州 昭觉县 新城镇 三河村', '四川省 凉山彝族自治州 昭觉县 新城镇 火普村'])

		// Complete before start: one step at a time.
		expect((await act(owner, { intent: 'complete' })).status).toBe(409)
		expect((await act(plainMember, { intent: 'start' })).status).toBe(403)
		const started = await act(owner, { intent: 'start' })
		expect(started.data).toMatchObject({ intent: 'start', notice: 'project.notice.start' })
		expect((await projectRow(id)).status).toBe('running')

		const before = await writes()
		const future = await act(owner, { intent: 'add-update', body: '设备到位', happenedOn: dateIn(1) })
		expect(future.status).toBe(400)
		expect(future.data.result.error).toEqual({ happenedOn: ['errors.date_in_future'] })
		const beforeStart = await act(owner, { intent: 'add-update', body: '设备到位', happenedOn: dateIn(-31) })
		expect(beforeStart.status).toBe(400)
		expect(beforeStart.data.result.error).toEqual({ happenedOn: [`errors.before_project_start|{"date":"${dateIn(-30)}"}`] })
		const malformed = await act(owner, { intent: 'add-update', body: ' ', happenedOn: '2026/1/1' })
		expect(malformed.data.result.error).toEqual({ body: ['validation.required'], happenedOn: ['validation.date_format'] })
		expect((await act(otherOwner, { intent: 'add-update', body: '冒名', happenedOn: dateIn(0) })).status).toBe(403)
		expect(await writes()).toEqual(before)

		const added = await act(owner, { intent: 'add-update', body: '烘干车间主体完工', happenedOn: dateIn(-2) })
		expect(added.data.notice).toBe('project.notice.update_added')
		expect((await act(owner, { intent: 'complete' })).data.notice).toBe('project.notice.complete')

		const after = await runRoute(projectLoader, await requestAs(owner, url), { projectId: id })
		expect(after.data.project).toMatchObject({ status: 'completed', viewer: { canManage: true, canEdit: false, actions: [] } })
		expect(after.data.project.updates).toMatchObject([{ body: '烘干车间主体完工', authorName: '企业社会责任部' }])
		expect(after.data.events.map((e: { action: string; note: string }) => [e.action, e.note])).toEqual([
			['create', ''],
			['start', ''],
			['add_update', ''],
			['complete', ''],
		])
		expect(after.data.events[0].actorName).toBe('企业社会责任部')
		const anon = await runRoute(projectLoader, await requestAs(null, url), { projectId: id })
		expect(anon.data.events[0].actorName).toBeNull()
		expect((await act(owner, { intent: 'restart' })).data.error).toBe('project.unknown_intent')
	})
})

describe('/projects/:projectId/edit', () => {
	it('lets the enterprise edit; another enterprise gets 403 and nothing changes; completed is final', async () => {
		const id = await createViaRoute()
		const before = await projectRow(id)
		expect((await runRoute(editLoader, await requestAs(otherOwner, `/projects/${id}/edit`), { projectId: id })).status).toBe(403)
		expect((await runRoute(editLoader, await requestAs(plainMember, `/projects/${id}/edit`), { projectId: id })).status).toBe(403)
		const refused = await runRoute(editAction, await requestAs(otherOwner, `/projects/${id}/edit`, { form: projectForm({ title: '改名' }) }), { projectId: id })
		expect(refused.status).toBe(403)
		expect(await projectRow(id)).toEqual(before)

		const form = await runRoute(editLoader, await requestAs(owner, `/projects/${id}/edit`), { projectId: id })
		expect(form.data).toMatchObject({ canEdit: true, values: { title: '花椒加工厂', plannedInvestment: '2500000', villageCodes: '513431100201 513431100202', peopleTrained: '0' } })
		const badDates = await runRoute(editAction, await requestAs(owner, `/projects/${id}/edit`, { form: projectForm({ endsOn: dateIn(-40) }) }), { projectId: id })
		expect(badDates.status).toBe(400)
		expect(badDates.data.result.error).toMatchObject({ endsOn: ['validation.date_order'] })
		const saved = await runRoute(editAction, await requestAs(owner, `/projects/${id}/edit`, { form: projectForm({ title: '花椒深加工厂', type: 'public_welfare' }) }), { projectId: id })
		expect(saved.location).toBe(`/projects/${id}?saved=1`)
		expect(await projectRow(id)).toMatchObject({ title: '花椒深加工厂', type: 'public_welfare' })

		// Start moved past an existing update is refused.
		await runRoute(projectAction, await requestAs(owner, `/projects/${id}`, { form: { intent: 'add-update', body: '开工', happenedOn: dateIn(-20) } }), { projectId: id })
		const late = await runRoute(editAction, await requestAs(owner, `/projects/${id}/edit`, { form: projectForm({ startsOn: dateIn(-10) }) }), { projectId: id })
		expect(late.status).toBe(400)
		expect(late.data.result.error).toEqual({ startsOn: [`errors.start_after_updates|{"date":"${dateIn(-20)}"}`] })

		await runRoute(projectAction, await requestAs(owner, `/projects/${id}`, { form: { intent: 'start' } }), { projectId: id })
		await runRoute(projectAction, await requestAs(owner, `/projects/${id}`, { form: { intent: 'complete' } }), { projectId: id })
		expect((await runRoute(editLoader, await requestAs(owner, `/projects/${id}/edit`), { projectId: id })).data.canEdit).toBe(false)
		const final = await runRoute(editAction, await requestAs(owner, `/projects/${id}/edit`, { form: projectForm() }), { projectId: id })
		expect(final.status).toBe(409)
	})
})
