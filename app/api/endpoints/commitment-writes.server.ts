// /api/v1 endpoints: commitment-writes. (Filled in by the API work of issue #6.)
import type { Endpoint } from '../http.server.ts'

export const commitmentWritesEndpoints: Endpoint[] = []
