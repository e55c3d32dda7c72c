// Pure models of upstream decisions (one file per rule, each naming the upstream file and tag it encodes).
export type { ClientTransport, InboundChain, InboundPortProtocol, PeerAuthenticationModeName } from "./inboundFilterChain";
export { ISTIO_ALPNS, inboundFilterChain } from "./inboundFilterChain";
