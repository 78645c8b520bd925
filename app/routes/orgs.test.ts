import { beforeAll, describe, expect, it } from 'vitest'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { loader as directoryLoader } from './orgs._index.tsx'
import { action as orgAction, loader as orgLoader } from './orgs.$orgId.tsx'
import { action as newOrgAction, loader as newOrgLoader } from './orgs.new.tsx'
import { action as reviewAction, loader as reviewLoader } from './review.tsx'

const ctx = useGlobalTestDb()

beforeAll(async () => {
	await seedRegions(ctx.db)
})

async function orgRow(id: string) {
	return ctx.db.selectFrom('organization').select(['status', 'statusReason', 'reviewedBy']).where('id', '=', id).executeTakeFirstOrThrow()
}

describe('/orgs/new', () => {
	it('sends an anonymous visitor to the login page', async () => {
		const res = await runRoute(newOrgLoader, await requestAs(null, '/orgs/new?welcome=1'))
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent('/orgs/new?welcome=1')}`)
		const post = await runRoute(newOrgAction, await requestAs(null, '/orgs/new', { form: { kind: 'village', name: 'x', villageCode: '513431100201' } }))
		expect(post.status).toBe(302)
		expect(post.location).toMatch(/^\/login/)
	})

	it('finds region codes by name, with full names, and shows the welcome line', async () => {
		const account = await makeAccount(ctx.db)
		const res = await runRoute(newOrgLoader, await requestAs(account.id, '/orgs/new?welcome=1&regionQ=三河'))
		expect(res.status).toBe(200)
		expect(res.data.welcome).toBe(true)
		expect(res.data.regions).toEqual([{ code: '513431100201', level: 5, fullName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' }])
	})

	it('rejects bad input with field-named errors and writes nothing', async () => {
		const account = await makeAccount(ctx.db)
		const before = await Promise.all([countRows(ctx.db, 'organization'), countRows(ctx.db, 'membership'), countRows(ctx.db, 'event')])
		const res = await runRoute(newOrgAction, await requestAs(account.id, '/orgs/new', { form: { kind: 'village', name: '  ', villageCode: '5134' } }))
		expect(res.status).toBe(400)
		expect(res.data.result.error).toMatchObject({ name: ['validation.required'], villageCode: ['validation.region_code_format'] })

		const enterprise = await runRoute(newOrgAction, await requestAs(account.id, '/orgs/new', { form: { kind: 'enterprise', name: '某某农业有限公司', uscc: '123', regionCode: '513431000000' } }))
		expect(enterprise.status).toBe(400)
		expect(enterprise.data.result.error).toMatchObject({ uscc: ['validation.uscc_invalid'] })

		// Well-formed but unknown to the model: the AppError comes back on the field, still nothing written.
		const unknown = await runRoute(newOrgAction, await requestAs(account.id, '/orgs/new', { form: { kind: 'village', name: '不存在村', villageCode: '513431999999' } }))
		expect(unknown.status).toBe(400)
		expect(unknown.data.result.error).toMatchObject({ villageCode: ['errors.region_not_found'] })

		const noKind = await runRoute(newOrgAction, await requestAs(account.id, '/orgs/new', { form: { name: '无类型' } }))
		expect(noKind.status).toBe(400)
		expect(noKind.data.result.error).toMatchObject({ kind: ['validation.org_kind_invalid'] })

		expect(await Promise.all([countRows(ctx.db, 'organization'), countRows(ctx.db, 'membership'), countRows(ctx.db, 'event')])).toEqual(before)
	})

	it('creates a pending village org owned by its creator and redirects to its page', async () => {
		const account = await makeAccount(ctx.db)
		const res = await runRoute(
			newOrgAction,
			await requestAs(account.id, '/orgs/new', { form: { kind: 'village', name: '火普村村民委员会', villageCode: '513431100202', contactPhone: '0834-1234567', uscc: 'ignored for villages' } }),
		)
		expect(res.status).toBe(302)
		const id = res.location?.match(/^\/orgs\/([^?]+)\?created=1$/)?.[1]
		expect(id).toBeTruthy()
		const org = await ctx.db.selectFrom('organization').selectAll().where('id', '=', id as string).executeTakeFirstOrThrow()
		expect(org).toMatchObject({ kind: 'village', status: 'pending', villageCode: '513431100202', regionCode: '513431100202', uscc: null, contactPhone: '0834-1234567' })
		const membership = await ctx.db.selectFrom('membership').select('role').where('orgId', '=', id as string).where('accountId', '=', account.id).executeTakeFirst()
		expect(membership).toEqual({ role: 'owner' })

		// The same village again: a field error from the model, nothing written.
		const orgs = await countRows(ctx.db, 'organization')
		const again = await runRoute(newOrgAction, await requestAs(account.id, '/orgs/new', { form: { kind: 'village', name: '火普村', villageCode: '513431100202' } }))
		expect(again.status).toBe(400)
		expect(again.data.result.error).toMatchObject({ villageCode: ['errors.village_has_org'] })
		expect(await countRows(ctx.db, 'organization')).toBe(orgs)
	})
})

describe('/orgs/:orgId', () => {
	let villageId: string
	let ownerId: string

	beforeAll(async () => {
		ownerId = (await makeAccount(ctx.db)).id
		villageId = await makeOrg(ctx.db, 'village', { regionCode: '513431101201', status: 'pending', ownerId, name: '谷曲村村民委员会' })
	})

	it('hides a pending org from anonymous visitors and outsiders, shows it to its owner', async () => {
		const anon = await runRoute(orgLoader, await requestAs(null, `/orgs/${villageId}`), { orgId: villageId })
		expect(anon.status).toBe(404)
		expect(anon.thrown).toBe(true)
		const stranger = await makeAccount(ctx.db)
		expect((await runRoute(orgLoader, await requestAs(stranger.id, `/orgs/${villageId}`), { orgId: villageId })).status).toBe(404)
		expect((await runRoute(orgLoader, await requestAs(null, '/orgs/nope'), { orgId: 'nope' })).status).toBe(404)

		const own = await runRoute(orgLoader, await requestAs(ownerId, `/orgs/${villageId}?created=1`), { orgId: villageId })
		expect(own.status).toBe(200)
		expect(own.data.org).toMatchObject({ name: '谷曲村村民委员会', status: 'pending', regionName: '四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村' })
		expect(own.data.viewer).toMatchObject({ role: 'owner', canReview: false, canManageMembers: true })
		expect(own.data.members.map((m: { accountId: string }) => m.accountId)).toEqual([ownerId])
		expect(own.data.events).toEqual([])
	})

	it('refuses a review by an official outside the jurisdiction; the org stays pending', async () => {
		const otherCounty = await makeOfficial(ctx.db, '513432000000')
		// Outsiders cannot even see the page…
		expect((await runRoute(orgLoader, await requestAs(otherCounty.accountId, `/orgs/${villageId}`), { orgId: villageId })).status).toBe(404)
		// …and posting the form by hand is refused by the model.
		const events = await countRows(ctx.db, 'event')
		const res = await runRoute(orgAction, await requestAs(otherCounty.accountId, `/orgs/${villageId}`, { form: { intent: 'review', decision: 'verify' } }), { orgId: villageId })
		expect(res.status).toBe(403)
		expect(res.data).toMatchObject({ intent: 'review', notice: null })
		expect(res.data.result.error['']).toEqual(['errors.outside_jurisdiction'])
		expect(await orgRow(villageId)).toEqual({ status: 'pending', statusReason: null, reviewedBy: null })
		expect(await countRows(ctx.db, 'event')).toBe(events)

		// A member of the org is no reviewer either.
		const own = await runRoute(orgAction, await requestAs(ownerId, `/orgs/${villageId}`, { form: { intent: 'review', decision: 'verify' } }), { orgId: villageId })
		expect(own.status).toBe(403)
		expect((await orgRow(villageId)).status).toBe('pending')
	})

	it('lets an official inside the jurisdiction see members and history, and verify', async () => {
		const county = await makeOfficial(ctx.db, '513431000000')
		const page = await runRoute(orgLoader, await requestAs(county.accountId, `/orgs/${villageId}`), { orgId: villageId })
		expect(page.status).toBe(200)
		expect(page.data.viewer).toMatchObject({ canReview: true, canManageMembers: false })
		expect(page.data.members).toHaveLength(1)

		const noDecision = await runRoute(orgAction, await requestAs(county.accountId, `/orgs/${villageId}`, { form: { intent: 'review' } }), { orgId: villageId })
		expect(noDecision.status).toBe(400)
		expect(noDecision.data.result.error).toMatchObject({ decision: ['validation.decision_invalid'] })

		const res = await runRoute(orgAction, await requestAs(county.accountId, `/orgs/${villageId}`, { form: { intent: 'review', decision: 'verify', reason: '材料齐全' } }), { orgId: villageId })
		expect(res.status).toBe(200)
		expect(res.data).toMatchObject({ intent: 'review', notice: 'org_page.notice.verify' })
		expect(await orgRow(villageId)).toEqual({ status: 'verified', statusReason: '材料齐全', reviewedBy: county.accountId })

		// Now public, without the insiders' sections.
		const anon = await runRoute(orgLoader, await requestAs(null, `/orgs/${villageId}`), { orgId: villageId })
		expect(anon.status).toBe(200)
		expect(anon.data).toMatchObject({ members: null, events: null, viewer: { canReview: false, canManageMembers: false } })

		const history = await runRoute(orgLoader, await requestAs(ownerId, `/orgs/${villageId}`), { orgId: villageId })
		expect(history.data.events.map((e: { action: string; note: string | null }) => [e.action, e.note])).toEqual([['verify', '材料齐全']])
	})

	it('adds and removes members only for the org admins, with field-named errors', async () => {
		const newcomer = await makeAccount(ctx.db, { displayName: '新成员' })
		const outsider = await makeAccount(ctx.db)
		const url = `/orgs/${villageId}`

		const refused = await runRoute(orgAction, await requestAs(outsider.id, url, { form: { intent: 'add-member', email: newcomer.email, role: 'member' } }), { orgId: villageId })
		expect(refused.status).toBe(403)
		expect(refused.data.result.error['']).toEqual(['errors.not_org_admin'])

		const unknown = await runRoute(orgAction, await requestAs(ownerId, url, { form: { intent: 'add-member', email: 'nobody@example.cn', role: 'member' } }), { orgId: villageId })
		expect(unknown.status).toBe(400)
		expect(unknown.data.result.error).toMatchObject({ email: ['errors.account_not_found'] })

		const added = await runRoute(orgAction, await requestAs(ownerId, url, { form: { intent: 'add-member', email: newcomer.email.toUpperCase(), role: 'member' } }), { orgId: villageId })
		expect(added.status).toBe(200)
		expect(added.data.notice).toBe('org_page.notice.member_added')

		const page = await runRoute(orgLoader, await requestAs(ownerId, url), { orgId: villageId })
		expect(page.data.members.map((m: { displayName: string; role: string }) => [m.displayName, m.role])).toContainEqual(['新成员', 'member'])
		expect(page.data.events.at(-1)).toMatchObject({ action: 'add_member', memberName: '新成员', memberRole: 'member', note: null })

		// A plain member cannot remove the owner; the owner removes the member.
		const notAdmin = await runRoute(orgAction, await requestAs(newcomer.id, url, { form: { intent: 'remove-member', accountId: ownerId } }), { orgId: villageId })
		expect(notAdmin.status).toBe(403)
		const lastOwner = await runRoute(orgAction, await requestAs(ownerId, url, { form: { intent: 'remove-member', accountId: ownerId } }), { orgId: villageId })
		expect(lastOwner.status).toBe(409)
		expect(lastOwner.data.result.error['']).toEqual(['errors.last_owner'])
		const removed = await runRoute(orgAction, await requestAs(ownerId, url, { form: { intent: 'remove-member', accountId: newcomer.id } }), { orgId: villageId })
		expect(removed.status).toBe(200)
		expect(removed.data.notice).toBe('org_page.notice.member_removed')
		expect(await ctx.db.selectFrom('membership').select('accountId').where('orgId', '=', villageId).execute()).toEqual([{ accountId: ownerId }])
	})

	it('answers an unknown intent with 400 and requires a session to post', async () => {
		const res = await runRoute(orgAction, await requestAs(ownerId, `/orgs/${villageId}`, { form: { intent: 'delete-everything' } }), { orgId: villageId })
		expect(res.status).toBe(400)
		expect(res.data.error).toBe('org_page.unknown_intent')
		const anon = await runRoute(orgAction, await requestAs(null, `/orgs/${villageId}`, { form: { intent: 'review', decision: 'suspend', reason: 'x' } }), { orgId: villageId })
		expect(anon.status).toBe(302)
		expect((await orgRow(villageId)).status).toBe('verified')
	})
})

describe('/review', () => {
	it('is 403 for a signed-in non-official and a login redirect when signed out', async () => {
		const plain = await makeAccount(ctx.db)
		const res = await runRoute(reviewLoader, await requestAs(plain.id, '/review'))
		expect(res.status).toBe(403)
		// Being the owner of a pending government org does not make one an official yet.
		await makeOrg(ctx.db, 'government', { regionCode: '513431100000', status: 'pending', ownerId: plain.id })
		expect((await runRoute(reviewLoader, await requestAs(plain.id, '/review'))).status).toBe(403)
		expect((await runRoute(reviewAction, await requestAs(plain.id, '/review', { form: { orgId: 'x', decision: 'verify' } }))).status).toBe(403)
		expect((await runRoute(reviewLoader, await requestAs(null, '/review'))).status).toBe(302)
	})

	it('lists the pending orgs in the jurisdiction and verifies or rejects them inline', async () => {
		const township = await makeOfficial(ctx.db, '513431100000')
		const owner = await makeAccount(ctx.db)
		const inside = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', status: 'pending', ownerId: owner.id, name: '三河村村委会' })
		const ngo = await makeOrg(ctx.db, 'social_org', { regionCode: '513431100000', status: 'pending', ownerId: owner.id })
		const outside = await makeOrg(ctx.db, 'village', { regionCode: '513432100201', status: 'pending', ownerId: owner.id })

		const queue = await runRoute(reviewLoader, await requestAs(township.accountId, '/review'))
		expect(queue.status).toBe(200)
		const ids = queue.data.rows.map((r: { id: string }) => r.id)
		expect(ids).toContain(inside)
		expect(ids).toContain(ngo)
		expect(ids).not.toContain(outside)
		expect(queue.data.rows.find((r: { id: string }) => r.id === inside).regionName).toBe('四川省 凉山彝族自治州 昭觉县 新城镇 三河村')

		const noReason = await runRoute(reviewAction, await requestAs(township.accountId, '/review', { form: { orgId: ngo, decision: 'reject', reason: ' ' } }))
		expect(noReason.status).toBe(400)
		expect(noReason.data.result.error).toMatchObject({ reason: ['validation.required'] })
		expect((await orgRow(ngo)).status).toBe('pending')

		const elsewhere = await runRoute(reviewAction, await requestAs(township.accountId, '/review', { form: { orgId: outside, decision: 'verify' } }))
		expect(elsewhere.status).toBe(403)
		expect((await orgRow(outside)).status).toBe('pending')

		const verified = await runRoute(reviewAction, await requestAs(township.accountId, '/review', { form: { orgId: inside, decision: 'verify' } }))
		expect(verified.status).toBe(200)
		expect(verified.data.notice).toEqual({ decision: 'verify', name: '三河村村委会' })
		const rejected = await runRoute(reviewAction, await requestAs(township.accountId, '/review', { form: { orgId: ngo, decision: 'reject', reason: '材料不全' } }))
		expect(rejected.status).toBe(200)
		expect(await orgRow(ngo)).toMatchObject({ status: 'rejected', statusReason: '材料不全' })

		// Deciding twice is a conflict, not a silent success.
		const twice = await runRoute(reviewAction, await requestAs(township.accountId, '/review', { form: { orgId: inside, decision: 'verify' } }))
		expect(twice.status).toBe(409)

		const after = await runRoute(reviewLoader, await requestAs(township.accountId, '/review'))
		expect(after.data.rows.map((r: { id: string }) => r.id)).not.toContain(inside)
	})

	it('lists suspended orgs under ?status=suspended and reinstates them', async () => {
		const county = await makeOfficial(ctx.db, '513431000000')
		const suspended = await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000', status: 'suspended' })
		const res = await runRoute(reviewLoader, await requestAs(county.accountId, '/review?status=suspended'))
		expect(res.data.status).toBe('suspended')
		expect(res.data.rows.map((r: { id: string }) => r.id)).toContain(suspended)
		const reinstated = await runRoute(reviewAction, await requestAs(county.accountId, '/review?status=suspended', { form: { orgId: suspended, decision: 'reinstate' } }))
		expect(reinstated.status).toBe(200)
		expect((await orgRow(suspended)).status).toBe('verified')
	})
})

describe('/orgs directory', () => {
	it('lists verified orgs only, with filters from the URL', async () => {
		const owner = await makeAccount(ctx.db)
		const listed = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', name: '杭州兴村农业科技有限公司' })
		await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', status: 'pending', ownerId: owner.id, name: '杭州待审公司' })

		const all = await runRoute(directoryLoader, await requestAs(null, '/orgs'))
		expect(all.status).toBe(200)
		expect(all.data.rows.every((r: { name: string }) => r.name !== '杭州待审公司')).toBe(true)

		const byRegion = await runRoute(directoryLoader, await requestAs(null, '/orgs?region=330000000000&kind=enterprise'))
		expect(byRegion.data.rows).toEqual([{ id: listed, name: '杭州兴村农业科技有限公司', kind: 'enterprise', subtype: null, isDemo: false, regionName: '浙江省 杭州市' }])
		expect(byRegion.data).toMatchObject({ regionCode: '330000000000', regionName: '浙江省', total: 1, page: 1, pages: 1 })

		const byName = await runRoute(directoryLoader, await requestAs(null, '/orgs?q=兴村&regionCode=&kind=bogus&page=-3'))
		expect(byName.data.rows.map((r: { id: string }) => r.id)).toEqual([listed])
		expect(byName.data.filters).toEqual({ kind: '', region: '', q: '兴村' })

		const otherKind = await runRoute(directoryLoader, await requestAs(null, '/orgs?q=兴村&kind=village'))
		expect(otherKind.data.rows).toEqual([])
	})

	it('treats a place name in the region box as a search and offers matching regions', async () => {
		const res = await runRoute(directoryLoader, await requestAs(null, '/orgs?regionCode=昭觉'))
		expect(res.data.regionCode).toBeNull()
		expect(res.data.suggestions).toEqual([{ code: '513431000000', level: 3, fullName: '四川省 凉山彝族自治州 昭觉县' }])
	})

	it('pages through the results', async () => {
		for (let i = 0; i < 22; i++) await makeOrg(ctx.db, 'social_org', { regionCode: '110000000000', name: `北京帮扶基金会${String(i).padStart(2, '0')}` })
		const first = await runRoute(directoryLoader, await requestAs(null, '/orgs?region=110000000000'))
		expect(first.data).toMatchObject({ total: 22, page: 1, pages: 2 })
		expect(first.data.rows).toHaveLength(20)
		const second = await runRoute(directoryLoader, await requestAs(null, '/orgs?region=110000000000&page=2'))
		expect(second.data.rows.map((r: { name: string }) => r.name)).toEqual(['北京帮扶基金会20', '北京帮扶基金会21'])
	})
})
