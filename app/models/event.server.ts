import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { newId } from '#app/utils/id.ts'

export type EventInput = {
	entityType: string
	entityId: string
	action: string
	fromState?: string | null
	toState?: string | null
	note?: string
	actorAccountId?: string | null
	actorOrgId?: string | null
	requestId?: string | null
}

/** Appends to the audit trail; call it inside the transaction that makes the change. */
export async function recordEvent(db: Kysely<DB>, event: EventInput, now = Date.now()) {
	await db
		.insertInto('event')
		.values({
			id: newId(now),
			entityType: event.entityType,
			entityId: event.entityId,
			action: event.action,
			fromState: event.fromState ?? null,
			toState: event.toState ?? null,
			note: event.note ?? '',
			actorAccountId: event.actorAccountId ?? null,
			actorOrgId: event.actorOrgId ?? null,
			requestId: event.requestId ?? null,
			createdAt: now,
		})
		.execute()
}

export async function listEvents(db: Kysely<DB>, entityType: string, entityId: string) {
	return db
		.selectFrom('event')
		.leftJoin('account', 'account.id', 'event.actorAccountId')
		.select([
			'event.id',
			'event.action',
			'event.fromState',
			'event.toState',
			'event.note',
			'event.createdAt',
			'account.displayName as actorName',
		])
		.where('event.entityType', '=', entityType)
		.where('event.entityId', '=', entityId)
		.orderBy('event.createdAt', 'asc')
		.orderBy('event.id', 'asc')
		.execute()
}
