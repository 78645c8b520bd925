import { beforeAll, expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { TEST_PASSWORD, actorFor, countRows, makeAccount, makeOfficial, makeOrg, makeUscc, seedRegions } from '#tests/factories.ts'
import { authenticate } from './account.server.ts'
import { addMember, createOrganization, getOrganization, listReviewQueue, removeMember, reviewOrganization } from './organization.server.ts'
import { actingOrgIds } from './policy.server.ts'

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

describeDb('organizations', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('sign up → create org → official verifies → log in acts for a verified org', async () => {
		const cadre = await makeAccount(ctx.db)
		const { id } = await createOrganization(ctx.db, { kind: 'village', name: '三河村村民委员会', villageCode: '513431100201' }, await actorFor(ctx.db, cadre.id))
		let actor = await actorFor(ctx.db, cadre.id)
		expect(actor.memberships).toMatchObject([{ orgId: id, role: 'owner', status: 'pending', kind: 'village' }])
		expect(actingOrgIds(actor)).toEqual([])

		const township = await makeOfficial(ctx.db, '513431100000')
		expect((await listReviewQueue(ctx.db, township)).map((o) => o.id)).toContain(id)
		await reviewOrganization(ctx.db, id, { decision: 'verify' }, township)

		const account = await authenticate(ctx.db, { identifier: cadre.email, password: TEST_PASSWORD, ip: '10.3.0.1' })
		actor = await actorFor(ctx.db, account.id)
		expect(actingOrgIds(actor)).toEqual([id])
		const events = await ctx.db.selectFrom('event').select(['action', 'fromState', 'toState']).where('entityId', '=', id).orderBy('id').execute()
		expect(events).toEqual([
			{ action: 'create', fromState: null, toState: 'pending' },
			{ action: 'verify', fromState: 'pending', toState: 'verified' },
		])
	})

	it('refuses an official outside the jurisdiction and writes nothing', async () => {
		const owner = await makeAccount(ctx.db)
		const { id } = await createOrganization(ctx.db, { kind: 'village', name: '光明村委会', villageCode: '513432100201' }, await actorFor(ctx.db, owner.id))
		const otherCounty = await makeOfficial(ctx.db, '513431000000')
		const eventsBefore = await countRows(ctx.db, 'event')
		const e = await appError(reviewOrganization(ctx.db, id, { decision: 'verify' }, otherCounty))
		expect(e.code).toBe('forbidden')
		expect(e.message).toBe('errors.outside_jurisdiction')
		const org = await ctx.db.selectFrom('organization').select(['status', 'reviewedBy']).where('id', '=', id).executeTakeFirstOrThrow()
		expect(org).toEqual({ status: 'pending', reviewedBy: null })
		expect(await countRows(ctx.db, 'event')).toBe(eventsBefore)
		expect((await listReviewQueue(ctx.db, otherCounty)).map((o) => o.id)).not.toContain(id)
		// A plain account is no official at all.
		const nobody = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect((await appError(reviewOrganization(ctx.db, id, { decision: 'verify' }, nobody))).code).toBe('forbidden')
	})

	it('central units are verified by a national admin only; governments from a level above', async () => {
		const owner = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		const unit = await createOrganization(ctx.db, { kind: 'central_unit', name: '某部委' }, owner)
		const province = await makeOfficial(ctx.db, '510000000000')
		expect((await appError(reviewOrganization(ctx.db, unit.id, { decision: 'verify' }, province))).code).toBe('forbidden')
		const admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		await reviewOrganization(ctx.db, unit.id, { decision: 'verify' }, admin)

		const gov = await createOrganization(ctx.db, { kind: 'government', name: '凉山州乡村振兴局', regionCode: '513400000000' }, owner)
		const samePrefecture = await makeOfficial(ctx.db, '513400000000')
		expect((await appError(reviewOrganization(ctx.db, gov.id, { decision: 'verify' }, samePrefecture))).code).toBe('forbidden')
		await reviewOrganization(ctx.db, gov.id, { decision: 'verify' }, province)
	})

	it('rejects with a required reason, suspends, and a suspended org cannot act', async () => {
		const owner = await makeAccount(ctx.db)
		const county = await makeOfficial(ctx.db, '513431000000')
		const ent = await createOrganization(ctx.db, { kind: 'enterprise', name: '昭觉农业公司', uscc: makeUscc(), regionCode: '513431000000' }, await actorFor(ctx.db, owner.id))
		const noReason = await appError(reviewOrganization(ctx.db, ent.id, { decision: 'reject', reason: '  ' }, county))
		expect(noReason.fields).toEqual({ reason: 'validation.required' })
		await reviewOrganization(ctx.db, ent.id, { decision: 'verify' }, county)
		await reviewOrganization(ctx.db, ent.id, { decision: 'suspend', reason: '虚报帮扶数据' }, county)
		const actor = await actorFor(ctx.db, owner.id)
		expect(actingOrgIds(actor)).toEqual([])
		const other = await makeAccount(ctx.db)
		expect((await appError(addMember(ctx.db, ent.id, { email: other.email, role: 'member' }, actor))).code).toBe('forbidden')
		// Twice in a row is a conflict, not a second event.
		expect((await appError(reviewOrganization(ctx.db, ent.id, { decision: 'suspend', reason: 'x' }, county))).code).toBe('conflict')
		await reviewOrganization(ctx.db, ent.id, { decision: 'reinstate' }, county)
		expect(actingOrgIds(await actorFor(ctx.db, owner.id))).toEqual([ent.id])
	})

	it('validates kind-specific fields and writes nothing on bad input', async () => {
		const actor = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		const before = await countRows(ctx.db, 'organization')
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ kind: 'enterprise', name: '某公司', uscc: '91110000100006485J', regionCode: '513431000000' }, { uscc: 'validation.uscc_invalid' }],
			[{ kind: 'village', name: '某村', villageCode: '999999999999' }, { villageCode: 'errors.region_not_found' }],
			[{ kind: 'village', name: '某村', villageCode: '513431100000' }, { villageCode: 'errors.not_a_village' }],
			[{ kind: 'village', name: '某村', villageCode: '5134311' }, { villageCode: 'validation.region_code_format' }],
			[{ kind: 'mass_org', name: '某会', subtype: 'chess_club' }, { subtype: 'validation.subtype_invalid' }],
			[{ kind: 'government', name: '某村政府', regionCode: '513431100202' }, { regionCode: 'errors.government_region_level' }],
			[{ kind: 'pirate', name: 'x' }, { kind: 'validation.org_kind_invalid' }],
			[{ kind: 'social_org', name: 'x'.repeat(201) }, { name: 'validation.too_long|{"max":200}' }],
		]
		for (const [input, fields] of cases) {
			const e = await appError(createOrganization(ctx.db, input, actor))
			expect(e.code).toBe('invalid')
			expect(e.fields).toEqual(fields)
		}
		expect(await countRows(ctx.db, 'organization')).toBe(before)
	})

	it('allows one org per village and one org per 统一社会信用代码', async () => {
		const actor = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		await createOrganization(ctx.db, { kind: 'village', name: '谷曲村委会', villageCode: '513431101201' }, actor)
		const second = await appError(createOrganization(ctx.db, { kind: 'village', name: '谷曲村委会二', villageCode: '513431101201' }, actor))
		expect(second.fields).toEqual({ villageCode: 'errors.village_has_org' })
		const uscc = makeUscc()
		await createOrganization(ctx.db, { kind: 'enterprise', name: 'A 公司', uscc, regionCode: '510000000000' }, actor)
		const dup = await appError(createOrganization(ctx.db, { kind: 'enterprise', name: 'B 公司', uscc, regionCode: '510000000000' }, actor))
		expect(dup.fields).toEqual({ uscc: 'errors.uscc_taken' })
	})

	it('hides pending orgs from strangers and manages members by role', async () => {
		const owner = await makeAccount(ctx.db)
		const orgId = await makeOrg(ctx.db, 'social_org', { status: 'pending', regionCode: '510000000000', ownerId: owner.id })
		const stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect(await getOrganization(ctx.db, orgId, stranger)).toBeUndefined()
		expect(await getOrganization(ctx.db, orgId, null)).toBeUndefined()
		const ownerActor = await actorFor(ctx.db, owner.id)
		expect((await getOrganization(ctx.db, orgId, ownerActor))?.viewer.canManageMembers).toBe(true)
		expect((await getOrganization(ctx.db, orgId, await makeOfficial(ctx.db, '510000000000')))?.viewer.canReview).toBe(true)

		const member = await makeAccount(ctx.db)
		await addMember(ctx.db, orgId, { email: member.email, role: 'member' }, ownerActor)
		expect((await appError(addMember(ctx.db, orgId, { email: member.email, role: 'member' }, ownerActor))).fields).toEqual({ email: 'errors.already_member' })
		expect((await appError(addMember(ctx.db, orgId, { email: 'ghost@example.cn', role: 'member' }, ownerActor))).fields).toEqual({ email: 'errors.account_not_found' })
		const memberActor = await actorFor(ctx.db, member.id)
		expect((await appError(addMember(ctx.db, orgId, { email: stranger.accountId, role: 'member' }, memberActor))).code).toBe('forbidden')
		expect((await appError(removeMember(ctx.db, orgId, owner.id, ownerActor))).message).toBe('errors.last_owner')
		await removeMember(ctx.db, orgId, member.id, ownerActor)
	})
})
