// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReentrantToken
 * @notice Test-only adversarial ERC-20: on the first transfer into or out of `target`, it calls
 * `target` again with `payload` (e.g. withdraw()) and records whether that nested call succeeded.
 */
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool public reentryAttempted;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    constructor() ERC20("Reentrant", "RE") {}

    /// @notice Mints test tokens.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the attack: the next transfer touching `target` re-enters it with `payload`.
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if ((from == _target || to == _target) && _target != address(0) && !reentryAttempted) {
            reentryAttempted = true;
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory returned) = _target.call(_payload);
            reentrySucceeded = success;
            if (!success) reentryRevertData = returned;
        }
    }
}
