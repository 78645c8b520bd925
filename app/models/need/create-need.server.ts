// Writing a need: create (as a draft) and edit (while draft or returned). Any member of the
// verified village org may do both.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { recordEvent } from '../event.server.ts'
import { type NeedInput, needSchema } from '../need.schema.ts'
import type { Actor } from '../policy.server.ts'
import { ANY_MEMBER, assertPermitted, villageScope } from './authorize-need.server.ts'
import { parseInput } from './transition-need.server.ts'

/** Creates a draft need for a village org the actor belongs to. Nothing is written on any error. */
export async function createNeed(db: Kysely<DB>, villageOrgId: string, raw: NeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(needSchema(() => now), raw)
	return db.transaction().execute(async (trx) => {
		// Permission in the query: the actor's membership in a verified village org.
		const org = await trx
			.selectFrom('organization')
			.innerJoin('membership', 'membership.orgId', 'organization.id')
			.select(['organization.id', 'organization.villageCode'])
			.where('organization.id', '=', villageOrgId)
			.where('organization.kind', '=', 'village')
			.where('organization.status', '=', 'verified')
			.where('organization.villageCode', 'is not', null)
			.where('membership.accountId', '=', actor.accountId)
			.where('membership.role', 'in', [...ANY_MEMBER])
			.executeTakeFirst()
		if (!org?.villageCode) {
			const found = await trx.selectFrom('organization').select(['kind', 'status']).where('id', '=', villageOrgId).executeTakeFirst()
			if (!found) throw AppError.notFound('errors.org_not_found')
			if (found.kind !== 'village') throw AppError.forbidden('errors.need_org_not_village')
			const member = await trx.selectFrom('membership').select('role').where('orgId', '=', villageOrgId).where('accountId', '=', actor.accountId).executeTakeFirst()
			if (!member) throw AppError.forbidden('errors.need_not_village_member')
			throw AppError.forbidden('errors.org_not_verified')
		}
		const id = newId(now)
		await trx
			.insertInto('need')
			.values({
				id,
				villageOrgId,
				villageCode: org.villageCode,
				...input,
				status: 'draft',
				statusNote: null,
				duplicateOf: null,
				reviewedBy: null,
				reviewedAt: null,
				submittedAt: null,
				publishedAt: null,
				closedAt: null,
				createdBy: actor.accountId,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await recordEvent(trx, { entityType: 'need', entityId: id, action: 'create', toState: 'draft', actorAccountId: actor.accountId, actorOrgId: villageOrgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'need', id, now)
		return { id }
	})
}

/** Replaces a need's fields while it is a draft or returned for changes; the status stays. */
export async function updateNeed(db: Kysely<DB>, needId: string, raw: NeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(needSchema(() => now), raw)
	return db.transaction().execute(async (trx) => {
		const need = await trx.selectFrom('need').select(['id', 'status', 'villageOrgId', 'villageCode']).where('id', '=', needId).executeTakeFirst()
		if (!need) throw AppError.notFound()
		const result = await trx
			.updateTable('need')
			.set({ ...input, updatedAt: now })
			.where('id', '=', needId)
			.where('status', '=', need.status)
			.where('status', 'in', ['draft', 'returned'])
			.where(villageScope(actor, ANY_MEMBER))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			await assertPermitted(trx, need, actor, 'village', ANY_MEMBER)
			throw AppError.conflict('errors.need_not_editable')
		}
		await recordEvent(
			trx,
			{ entityType: 'need', entityId: needId, action: 'update', fromState: need.status, toState: need.status, actorAccountId: actor.accountId, actorOrgId: need.villageOrgId, requestId: actor.requestId },
			now,
		)
		await enqueueSearch(trx, 'need', needId, now)
		return { id: needId }
	})
}
