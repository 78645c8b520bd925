// The OpenAPI 3.1 document of /api/v1, generated from the endpoints' own zod schemas (the ones the
// dispatcher parses requests with), so it cannot describe a request the API would refuse.
import { z } from 'zod'
import { API_BASE, type Endpoint, MAX_BODY_BYTES, PAGE_LIMIT_MAX } from './http.server.ts'
import { ENDPOINTS } from './registry.server.ts'

type JsonSchema = Record<string, unknown>

function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
	const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema & { $defs?: Record<string, JsonSchema> }
	// Named schemas (.meta({ id })) become components; references point there.
	const rewrite = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T
	const { $schema: _ignored, $defs, ...rest } = json
	// References inside the named schemas point at each other too.
	for (const [name, def] of Object.entries($defs ?? {})) components[name] = rewrite(def)
	return rewrite(rest)
}

function parametersOf(e: Endpoint, components: Record<string, JsonSchema>) {
	const out: JsonSchema[] = []
	for (const [where, schema] of [
		['path', e.params],
		['query', e.query],
	] as const) {
		if (!schema) continue
		const json = schemaOf(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] }
		for (const [name, property] of Object.entries(json.properties ?? {})) {
			const { description, ...rest } = property as { description?: string }
			out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest })
		}
	}
	return out
}

const PROBLEM: JsonSchema = {
	type: 'object',
	description: 'RFC 9457 problem details',
	properties: {
		type: { type: 'string', format: 'uri' },
		title: { type: 'string' },
		status: { type: 'integer' },
		detail: { type: 'string' },
		errors: {
			type: 'array',
			items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'code', 'message'] },
		},
	},
	required: ['type', 'title', 'status'],
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })

export function buildOpenApi(): JsonSchema {
	const components: Record<string, JsonSchema> = { Problem: PROBLEM }
	const paths: Record<string, Record<string, JsonSchema>> = {}
	for (const e of ENDPOINTS) {
		const status = String(e.status ?? 200)
		const operation: JsonSchema = {
			operationId: e.operationId,
			summary: e.summary,
			...(e.description ? { description: e.description } : {}),
			tags: e.tags,
			'x-bangfu-access': e.access,
			parameters: [
				...parametersOf(e, components),
				...(e.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Retrying with the same key and body returns the first response.', schema: { type: 'string', maxLength: 100 } }] : []),
			],
			responses: {
				[status]: { description: 'Success', content: { 'application/json': { schema: schemaOf(e.response, 'output', components) } } },
				...(e.method === 'get' ? { '304': { description: 'Not modified (If-None-Match matched the ETag)' } } : {}),
				'401': problemResponse('No, an unknown, an expired or a revoked token'),
				'403': problemResponse(e.access === 'write' ? 'Not allowed, or a read-only token' : 'Not allowed'),
				'404': problemResponse('Not found'),
				'422': problemResponse('Invalid input, with field errors'),
				'429': problemResponse('Rate limit reached'),
			},
		}
		if (e.body) {
			operation.requestBody = { required: !e.body.safeParse(undefined).success, content: { 'application/json': { schema: schemaOf(e.body, 'input', components) } } }
			Object.assign(operation.responses as JsonSchema, { '400': problemResponse('Malformed JSON'), '409': problemResponse('Conflicts with the current state'), '413': problemResponse(`Body over ${MAX_BODY_BYTES} bytes`), '415': problemResponse('Not application/json') })
		}
		paths[e.path] ??= {}
		paths[e.path][e.method] = operation
	}
	return {
		openapi: '3.1.0',
		info: {
			title: '帮扶 Bangfu API',
			version: '1.0.0',
			description: `The JSON API of Bangfu. Authenticate with a personal API token (settings page) as \`Authorization: Bearer <token>\`; a token acts with its account's permissions, and a read token cannot write. Lists use cursor pagination (\`limit\` up to ${PAGE_LIMIT_MAX}, \`cursor\` = the previous page's \`nextCursor\`). Errors are RFC 9457 problem+json in the language of Accept-Language. Money is in fen (1/100 yuan), times in epoch milliseconds.`,
		},
		servers: [{ url: API_BASE }],
		security: [{ bearer: [] }],
		tags: [...new Set(ENDPOINTS.flatMap((e) => e.tags))].map((name) => ({ name })),
		paths,
		components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (bfk_…)' } } },
	}
}
