import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  RESPONSES_STREAM_CLOSED,
  ResponsesModelClient,
  endpointUrl,
  isReasoningModel,
  responsesParams,
  responsesRequest,
  sdkClient
} from "./chunk-GNCORO2K.js";
import "./chunk-XHSNTFKB.js";
import "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";
export {
  RESPONSES_STREAM_CLOSED,
  ResponsesModelClient,
  endpointUrl,
  isReasoningModel,
  responsesParams,
  responsesRequest,
  sdkClient
};
