// /api/v1 writes on commitments: pledge to a need, and the steps after it (accept, start delivery,
// confirm delivery, verify). The same model functions as app/routes/commitments.*.tsx, so each
// step is allowed to exactly the side the interface allows it to. Amounts in fen (or units).
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { COMMITMENT_MESSAGE_MAX } from '#app/models/commitment.schema.ts'
import { acceptCommitment, confirmDelivery, createCommitment, getCommitment, startDelivery, verifyCommitment } from '#app/models/commitment.server.ts'
import { getNeed } from '#app/models/need.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { endpoint } from '../http.server.ts'
import { CommitmentSchema, loadCommitmentJson } from './commitments.server.ts'
import { DateText, IdParam, formFigure, found, wholeAmount } from './need-writes.server.ts'

const CreateCommitmentBody = z
	.object({
		providerOrgId: z
			.string({ error: 'validation.commitment_org_required' })
			.min(1, { error: 'validation.commitment_org_required' })
			.max(26, { error: 'errors.org_not_found' })
			.describe('The provider org pledging (the caller must be its owner or admin; the org must be a verified provider and not speak for the need’s village)'),
		amount: wholeAmount('What is pledged, in the need’s measure: integer fen (1/100 yuan) for an amount need, whole units for a quantity need; at most the need’s remaining gap.'),
		dueAt: DateText.describe('Delivery due date, YYYY-MM-DD (China time), not in the past'),
		message: z
			.string({ error: 'validation.required' })
			.max(COMMITMENT_MESSAGE_MAX, { error: `validation.too_long|${JSON.stringify({ max: COMMITMENT_MESSAGE_MAX })}` })
			.optional()
			.describe(`A message to the village, up to ${COMMITMENT_MESSAGE_MAX} characters`),
		offerId: z
			.string({ error: 'errors.commitment_offer_not_found' })
			.max(26, { error: 'errors.commitment_offer_not_found' })
			.nullable()
			.optional()
			.describe('One of the provider’s active offers to draw on (same measure and unit, covering the need’s category and village)'),
	})
	.strict()

const CommitmentParams = z.object({ commitmentId: IdParam })
const NoBody = z.object({}).strict().optional()

/**
 * The form's key for a pledge made with an Idempotency-Key: the key and the body, hashed, so the
 * model's own duplicate guard (a unique column) also holds when two retries race past the
 * plumbing's replay table; a reused key with another body is a new pledge, never a replay.
 */
function formKey(request: Request, body: unknown): string | null {
	const key = request.headers.get('idempotency-key')?.trim()
	if (!key) return null
	return createHash('sha256').update(`${key}\n${JSON.stringify(body)}`).digest('hex')
}

export const commitmentWritesEndpoints = [
	endpoint({
		operationId: 'createCommitment',
		method: 'post',
		path: '/needs/{needId}/commitments',
		summary: 'Pledge to a published need',
		description: 'By an owner or admin of a verified provider org. The pledge counts once the village accepts it. Honours Idempotency-Key.',
		tags: ['commitments'],
		access: 'write',
		idempotent: true,
		status: 201,
		params: z.object({ needId: IdParam }),
		body: CreateCommitmentBody,
		response: CommitmentSchema,
		handler: async ({ db, actor, params, body, request, now }) => {
			// The need's measure says whether `amount` is fen or units (and hides needs the caller cannot see).
			const need = await getNeed(db, params.needId, actor)
			if (!need) throw AppError.notFound('errors.need_not_found')
			const form = {
				providerOrgId: body.providerOrgId,
				amount: formFigure(need.measure, body.amount),
				dueAt: body.dueAt,
				message: body.message ?? '',
				offerId: body.offerId ?? null,
				idempotencyKey: formKey(request, body),
			}
			const created = await createCommitment(db, params.needId, form, actor, now)
			return { body: found(await loadCommitmentJson(db, created.id, actor, now)) }
		},
	}),
	endpoint({
		operationId: 'acceptCommitment',
		method: 'post',
		path: '/commitments/{commitmentId}/accept',
		summary: 'Accept a pledge (the village)',
		description: 'By an owner or admin of the need’s village org, while the need is published and the pledge fits its remaining gap. No body (or `{}`).',
		tags: ['commitments'],
		access: 'write',
		params: CommitmentParams,
		body: NoBody,
		response: CommitmentSchema,
		handler: async ({ db, actor, params, now }) => {
			await acceptCommitment(db, params.commitmentId, actor, now)
			return { body: found(await loadCommitmentJson(db, params.commitmentId, actor, now)) }
		},
	}),
	endpoint({
		operationId: 'startCommitmentDelivery',
		method: 'post',
		path: '/commitments/{commitmentId}/start-delivery',
		summary: 'Start delivering an accepted commitment (the provider)',
		description: 'By an owner or admin of the provider org. No body (or `{}`).',
		tags: ['commitments'],
		access: 'write',
		params: CommitmentParams,
		body: NoBody,
		response: CommitmentSchema,
		handler: async ({ db, actor, params, now }) => {
			await startDelivery(db, params.commitmentId, actor, now)
			return { body: found(await loadCommitmentJson(db, params.commitmentId, actor, now)) }
		},
	}),
	endpoint({
		operationId: 'confirmCommitmentDelivery',
		method: 'post',
		path: '/commitments/{commitmentId}/deliver',
		summary: 'Confirm what arrived (the village)',
		description: 'By an owner or admin of the village org, while the commitment is in delivery (or disputed). Part delivery is allowed.',
		tags: ['commitments'],
		access: 'write',
		params: CommitmentParams,
		body: z
			.object({
				deliveredAmount: wholeAmount('What arrived, in the need’s measure: integer fen for an amount need, whole units for a quantity need; more than 0 and at most the committed amount.'),
			})
			.strict(),
		response: CommitmentSchema,
		handler: async ({ db, actor, params, body, now }) => {
			const commitment = await getCommitment(db, params.commitmentId, actor, now)
			if (!commitment) throw AppError.notFound('errors.commitment_not_found')
			await confirmDelivery(db, params.commitmentId, { deliveredAmount: formFigure(commitment.measure, body.deliveredAmount) }, actor, now)
			return { body: found(await loadCommitmentJson(db, params.commitmentId, actor, now)) }
		},
	}),
	endpoint({
		operationId: 'verifyCommitment',
		method: 'post',
		path: '/commitments/{commitmentId}/verify',
		summary: 'Verify a delivery (an official)',
		description: 'By an official whose jurisdiction covers the village (township or county), or a national admin. When the need’s verified total reaches its target the need is closed in the same step (GET /needs/{needId} shows it).',
		tags: ['commitments'],
		access: 'write',
		params: CommitmentParams,
		body: z
			.object({
				note: z
					.string({ error: 'validation.required' })
					.max(500, { error: 'validation.too_long|{"max":500}' })
					.optional()
					.describe('An optional note, up to 500 characters'),
			})
			.strict()
			.optional(),
		response: CommitmentSchema,
		handler: async ({ db, actor, params, body, now }) => {
			await verifyCommitment(db, params.commitmentId, { note: body?.note }, actor, now)
			return { body: found(await loadCommitmentJson(db, params.commitmentId, actor, now)) }
		},
	}),
]
