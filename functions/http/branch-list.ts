import { listBranches } from "#shared/branches/branches";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({}, async () => json(200, listBranches()));
