import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  RESPONSES_STREAM_CLOSED,
  ResponsesModelClient,
  endpointUrl,
  isReasoningModel,
  responsesParams,
  sdkClient
} from "./chunk-57PCIUBU.js";
import "./chunk-XHSNTFKB.js";
import "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";
export {
  RESPONSES_STREAM_CLOSED,
  ResponsesModelClient,
  endpointUrl,
  isReasoningModel,
  responsesParams,
  sdkClient
};
