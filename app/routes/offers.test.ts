import { beforeAll, describe, expect, it } from 'vitest'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action as editAction, loader as editLoader } from './offers.$offerId_.edit.tsx'
import { action as offerAction, loader as offerLoader } from './offers.$offerId.tsx'
import { action as newAction, loader as newLoader } from './offers.new.tsx'

const ctx = useGlobalTestDb()
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

function offerForm(overrides: Record<string, string | string[] | undefined> = {}) {
	return {
		intent: 'save',
		title: '农产品消费帮扶采购',
		description: '面向结对县采购特色农产品，按季度结算。',
		categories: ['consumption', 'industry'],
		measure: 'amount',
		capacity: '1234.56',
		coverage: 'nationwide',
		validFrom: dateIn(0),
		validUntil: dateIn(180),
		...overrides,
	}
}

/** Rows an offer write would add: nothing may change on a refused request. */
function writes() {
	return Promise.all([countRows(ctx.db, 'offer'), countRows(ctx.db, 'offerCategory'), countRows(ctx.db, 'offerRegion'), countRows(ctx.db, 'event'), countRows(ctx.db, 'searchOutbox')])
}

async function offerRow(id: string) {
	return ctx.db.selectFrom('offer').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

let owner: string
let member: string
let providerOrg: string
let otherOwner: string

beforeAll(async () => {
	await seedRegions(ctx.db)
	owner = (await makeAccount(ctx.db, { displayName: '定点帮扶处长' })).id
	providerOrg = await makeOrg(ctx.db, 'central_unit', { ownerId: owner, name: '某部委定点帮扶办' })
	member = (await makeAccount(ctx.db, { displayName: '办事员' })).id
	await ctx.db.insertInto('membership').values({ orgId: providerOrg, accountId: member, role: 'member', createdAt: Date.now() }).execute()
	otherOwner = (await makeAccount(ctx.db)).id
	await makeOrg(ctx.db, 'social_org', { ownerId: otherOwner, name: '某公益基金会' })
})

/** Creates a draft through the route as `accountId` and returns its id. */
async function createViaRoute(accountId: string, overrides: Record<string, string | string[] | undefined> = {}) {
	const res = await runRoute(newAction, await requestAs(accountId, '/offers/new', { form: offerForm(overrides) }))
	expect(res.status).toBe(302)
	const id = res.location?.match(/^\/offers\/([^?]+)\?created=1$/)?.[1]
	expect(id).toBeTruthy()
	return id as string
}

describe('/offers/new', () => {
	it('sends an anonymous visitor to the login page and writes nothing', async () => {
		const res = await runRoute(newLoader, await requestAs(null, '/offers/new'))
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent('/offers/new')}`)
		const before = await writes()
		expect((await runRoute(newAction, await requestAs(null, '/offers/new', { form: offerForm() }))).status).toBe(302)
		expect(await writes()).toEqual(before)
	})

	it('explains to a village or government user why they cannot post, and refuses their post (403, nothing written)', async () => {
		const villager = (await makeAccount(ctx.db)).id
		const villageOrg = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: villager })
		const page = await runRoute(newLoader, await requestAs(villager, '/offers/new'))
		expect(page.status).toBe(200)
		expect(page.data).toMatchObject({ orgs: [], reason: 'not_provider' })

		const official = await makeOfficial(ctx.db, '513431000000')
		const loner = (await makeAccount(ctx.db)).id
		const waiting = (await makeAccount(ctx.db)).id
		const pendingOrg = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: waiting, status: 'pending' })

		const before = await writes()
		const post = await runRoute(newAction, await requestAs(villager, '/offers/new', { form: offerForm({ orgId: villageOrg }) }))
		expect(post.status).toBe(403)
		expect(post.data.result.error['']).toEqual(['errors.org_cannot_offer'])

		expect((await runRoute(newLoader, await requestAs(official.accountId, '/offers/new'))).data.reason).toBe('not_provider')
		const byOfficial = await runRoute(newAction, await requestAs(official.accountId, '/offers/new', { form: offerForm({ orgId: official.memberships[0].orgId }) }))
		expect(byOfficial.status).toBe(403)
		expect(await writes()).toEqual(before)

		// Someone with no org at all, and the owner of a provider still under review.
		expect((await runRoute(newLoader, await requestAs(loner, '/offers/new'))).data.reason).toBe('no_org')
		expect((await runRoute(newLoader, await requestAs(waiting, '/offers/new'))).data.reason).toBe('pending')
		expect((await runRoute(newAction, await requestAs(waiting, '/offers/new', { form: offerForm({ orgId: pendingOrg }) }))).status).toBe(403)
		// Naming a provider org one does not belong to is refused by the model.
		expect((await runRoute(newAction, await requestAs(otherOwner, '/offers/new', { form: offerForm({ orgId: providerOrg }) }))).status).toBe(403)
		expect(await writes()).toEqual(before)
	})

	it('refuses bad input with field-named errors and writes nothing', async () => {
		const before = await writes()
		const run = async (overrides: Record<string, string | string[] | undefined>) => {
			const res = await runRoute(newAction, await requestAs(owner, '/offers/new', { form: offerForm(overrides) }))
			expect(res.status).toBe(400)
			return res.data.result.error as Record<string, string[]>
		}
		expect(await run({ capacity: '0' })).toMatchObject({ capacity: ['validation.must_be_positive'] })
		// 10^10 yuan + 1 yuan is more than 10^12 fen.
		expect(await run({ capacity: '10000000001' })).toMatchObject({ capacity: ['validation.amount_too_large'] })
		expect(await run({ measure: 'quantity', capacity: '30', unit: '' })).toMatchObject({ unit: ['validation.unit_required'] })
		expect(await run({ categories: undefined })).toMatchObject({ categories: ['validation.category_required'] })
		expect(await run({ measure: 'quantity', capacity: '1000000000001', unit: '人' })).toMatchObject({ capacity: ['validation.quantity_too_large'] })
		expect(await run({ coverage: 'regions', regionCodes: '5134' })).toMatchObject({ regionCodes: ['validation.region_codes_format|{"code":"5134"}'] })
		expect(await run({ title: ' ', validUntil: dateIn(-400), validFrom: dateIn(-300) })).toMatchObject({ title: ['validation.required'], validUntil: ['validation.date_order'] })
		// Well-formed but unknown region codes: the model's field error, still a 400.
		expect(await run({ coverage: 'regions', regionCodes: '513431000000 519999000000' })).toEqual({ regionCodes: ['errors.regions_not_found|{"codes":"519999000000"}'] })
		expect(await run({ validFrom: dateIn(-30), validUntil: dateIn(-1) })).toEqual({ validUntil: ['errors.date_in_past'] })
		expect(await writes()).toEqual(before)
	})

	it('asks which org when the actor has several providers', async () => {
		const both = (await makeAccount(ctx.db)).id
		const first = await makeOrg(ctx.db, 'mass_org', { ownerId: both, name: '县妇联' })
		await makeOrg(ctx.db, 'social_org', { ownerId: both, name: '乡村发展基金会' })
		const page = await runRoute(newLoader, await requestAs(both, `/offers/new?org=${first}`))
		expect(page.data.orgs.map((o: { name: string }) => o.name).sort()).toEqual(['乡村发展基金会', '县妇联'])
		expect(page.data.defaults.orgId).toBe(first)
		const before = await writes()
		const res = await runRoute(newAction, await requestAs(both, '/offers/new', { form: offerForm() }))
		expect(res.status).toBe(400)
		expect(res.data.result.error).toEqual({ orgId: ['validation.offer_org_required'] })
		expect(await writes()).toEqual(before)
		await createViaRoute(both, { orgId: first })
	})

	it('finds region codes by name without JavaScript, keeping what was typed and writing nothing', async () => {
		const before = await writes()
		const find = await runRoute(newAction, await requestAs(owner, '/offers/new', { form: offerForm({ intent: 'find-region', regionQ: '昭觉', coverage: 'regions', regionCodes: '' }) }))
		expect(find.status).toBe(200)
		expect(find.data.finder.regions).toEqual([{ code: '513431000000', level: 3, fullName: '四川省 凉山彝族自治州 昭觉县' }])
		expect(find.data.result.initialValue).toMatchObject({ title: '农产品消费帮扶采购', categories: ['consumption', 'industry'], regionQ: '昭觉' })
		const add = await runRoute(newAction, await requestAs(owner, '/offers/new', { form: offerForm({ intent: 'add-region:513431000000', regionQ: '昭觉', coverage: 'regions', regionCodes: '513432000000' }) }))
		expect(add.data.result.initialValue.regionCodes).toBe('513432000000 513431000000')
		expect(add.data.result.error).toBeUndefined()
		expect(await writes()).toEqual(before)
		// With JavaScript the finder asks the loader.
		const viaLoader = await runRoute(newLoader, await requestAs(owner, '/offers/new?regionQ=三河&regionLevel=5'))
		expect(viaLoader.data.finder.regions.map((r: { code: string }) => r.code)).toEqual(['513431100201'])
	})

	it('creates a draft for a member, in fen, visible to its members only', async () => {
		const id = await createViaRoute(member, { coverage: 'regions', regionCodes: '513431000000，513432000000', capacity: '1,234.5' })
		const row = await offerRow(id)
		expect(row).toMatchObject({ providerOrgId: providerOrg, status: 'draft', capacity: 123_450, coverage: 'regions', createdBy: member })
		const own = await runRoute(offerLoader, await requestAs(member, `/offers/${id}?created=1`), { offerId: id })
		expect(own.status).toBe(200)
		expect(own.data.offer).toMatchObject({ title: '农产品消费帮扶采购', categories: ['industry', 'consumption'], displayStatus: 'draft', viewer: { role: 'member', canEdit: true, actions: [] } })
		expect(own.data.offer.regions.map((r: { code: string }) => r.code)).toEqual(['513431000000', '513432000000'])
		expect(own.data.events).toMatchObject([{ action: 'create', actorName: '办事员' }])
		expect((await runRoute(offerLoader, await requestAs(null, `/offers/${id}`), { offerId: id })).status).toBe(404)
		expect((await runRoute(offerLoader, await requestAs(otherOwner, `/offers/${id}`), { offerId: id })).status).toBe(404)
	})
})

describe('/offers/:offerId lifecycle', () => {
	it('publishes, pauses, resumes and withdraws for owners; members and outsiders are refused', async () => {
		const id = await createViaRoute(owner)
		const url = `/offers/${id}`
		const act = async (accountId: string | null, form: Record<string, string>) => runRoute(offerAction, await requestAs(accountId, url, { form }), { offerId: id })

		const byMember = await act(member, { intent: 'publish' })
		expect(byMember.status).toBe(403)
		expect(byMember.data.result.error['']).toEqual(['errors.not_org_admin'])
		expect((await act(otherOwner, { intent: 'publish' })).status).toBe(403)
		expect((await offerRow(id)).status).toBe('draft')

		const published = await act(owner, { intent: 'publish' })
		expect(published.status).toBe(200)
		expect(published.data).toMatchObject({ intent: 'publish', notice: 'offer.notice.publish' })
		expect((await offerRow(id)).status).toBe('active')
		// Twice is a conflict.
		expect((await act(owner, { intent: 'publish' })).status).toBe(409)

		const paused = await act(owner, { intent: 'pause', note: '年底结算，暂停对接' })
		expect(paused.status).toBe(200)
		expect(await offerRow(id)).toMatchObject({ status: 'paused', statusNote: '年底结算，暂停对接' })
		expect((await act(owner, { intent: 'resume' })).data.notice).toBe('offer.notice.resume')
		expect(await offerRow(id)).toMatchObject({ status: 'active', statusNote: null })

		const noReason = await act(owner, { intent: 'withdraw', note: '  ' })
		expect(noReason.status).toBe(400)
		expect(noReason.data.result.error).toEqual({ note: ['validation.required'] })
		expect((await offerRow(id)).status).toBe('active')
		expect((await act(owner, { intent: 'withdraw', note: '资金已用于其他项目' })).status).toBe(200)
		expect(await offerRow(id)).toMatchObject({ status: 'withdrawn', statusNote: '资金已用于其他项目' })

		expect((await act(owner, { intent: 'delete' })).data.error).toBe('offer.unknown_intent')
		expect((await act(null, { intent: 'resume' })).status).toBe(302)

		// Public now; who did it is for the provider's members only.
		const anon = await runRoute(offerLoader, await requestAs(null, url), { offerId: id })
		expect(anon.status).toBe(200)
		expect(anon.data.events.map((e: { action: string; note: string; actorName: string | null }) => [e.action, e.note, e.actorName])).toEqual([
			['create', '', null],
			['publish', '', null],
			['pause', '年底结算，暂停对接', null],
			['resume', '', null],
			['withdraw', '资金已用于其他项目', null],
		])
		const own = await runRoute(offerLoader, await requestAs(member, url), { offerId: id })
		expect(own.data.events[1].actorName).toBe('定点帮扶处长')
	})
})

describe('/offers/:offerId/edit', () => {
	it('refuses another org’s member (403) and leaves the offer unchanged', async () => {
		const id = await createViaRoute(owner)
		const before = await offerRow(id)
		await runRoute(offerAction, await requestAs(owner, `/offers/${id}`, { form: { intent: 'publish' } }), { offerId: id })
		await runRoute(offerAction, await requestAs(owner, `/offers/${id}`, { form: { intent: 'pause' } }), { offerId: id })
		const paused = await offerRow(id)
		expect((await runRoute(editLoader, await requestAs(otherOwner, `/offers/${id}/edit`), { offerId: id })).status).toBe(403)
		const post = await runRoute(editAction, await requestAs(otherOwner, `/offers/${id}/edit`, { form: offerForm({ title: '改掉' }) }), { offerId: id })
		expect(post.status).toBe(403)
		expect(await offerRow(id)).toEqual(paused)
		expect(paused.title).toBe(before.title)
	})

	it('edits a draft (any member) and a paused offer (managers); an active offer is locked', async () => {
		const id = await createViaRoute(member)
		const form = await runRoute(editLoader, await requestAs(member, `/offers/${id}/edit`), { offerId: id })
		expect(form.status).toBe(200)
		expect(form.data).toMatchObject({ canEdit: true, values: { title: '农产品消费帮扶采购', capacity: '1234.56', categories: ['industry', 'consumption'], coverage: 'nationwide', regionCodes: '' } })

		const bad = await runRoute(editAction, await requestAs(member, `/offers/${id}/edit`, { form: offerForm({ capacity: '0' }) }), { offerId: id })
		expect(bad.status).toBe(400)
		expect(bad.data.result.error).toMatchObject({ capacity: ['validation.must_be_positive'] })

		const saved = await runRoute(editAction, await requestAs(member, `/offers/${id}/edit`, { form: offerForm({ title: '职业技能培训', measure: 'quantity', unit: '人', capacity: '', unlimited: 'on', categories: 'talent' }) }), { offerId: id })
		expect(saved.status).toBe(302)
		expect(saved.location).toBe(`/offers/${id}?saved=1`)
		expect(await offerRow(id)).toMatchObject({ title: '职业技能培训', measure: 'quantity', unit: '人', capacity: null })

		await runRoute(offerAction, await requestAs(owner, `/offers/${id}`, { form: { intent: 'publish' } }), { offerId: id })
		const locked = await runRoute(editLoader, await requestAs(owner, `/offers/${id}/edit`), { offerId: id })
		expect(locked.data.canEdit).toBe(false)
		const refused = await runRoute(editAction, await requestAs(owner, `/offers/${id}/edit`, { form: offerForm() }), { offerId: id })
		expect(refused.status).toBe(409)
		expect(refused.data.result.error['']).toEqual(['errors.offer_not_editable'])

		await runRoute(offerAction, await requestAs(owner, `/offers/${id}`, { form: { intent: 'pause' } }), { offerId: id })
		expect((await runRoute(editLoader, await requestAs(member, `/offers/${id}/edit`), { offerId: id })).data.canEdit).toBe(false)
		expect((await runRoute(editAction, await requestAs(member, `/offers/${id}/edit`, { form: offerForm() }), { offerId: id })).status).toBe(403)
		expect((await runRoute(editAction, await requestAs(owner, `/offers/${id}/edit`, { form: offerForm({ title: '暂停后修改' }) }), { offerId: id })).status).toBe(302)
		expect((await offerRow(id)).title).toBe('暂停后修改')
	})
})
