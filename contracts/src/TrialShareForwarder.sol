// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/**
 * @title TrialShareForwarder
 * @notice OpenZeppelin's ERC-2771 forwarder under TrialShare's EIP-712 domain name. Users sign
 * `ForwardRequest`s; the server's relayer submits them and pays gas, so participants never
 * need ETH. Nonces are sequential per signer and every request carries a deadline, which is
 * what makes a signature single-use and short-lived.
 */
contract TrialShareForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("TrialShareForwarder") {}
}
