// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title RewardToken
 * @notice A plain ERC-20 with EIP-2612 permits for local runs and tests. Permits let a
 * researcher authorise escrow with a signature, so nobody needs ETH. In production the
 * marketplace is deployed against an existing ERC-20 with permits (a stablecoin, say).
 */
contract RewardToken is ERC20, ERC20Permit, Ownable {
    constructor(
        address initialOwner
    ) ERC20("TrialShare Reward", "TSR") ERC20Permit("TrialShare Reward") Ownable(initialOwner) {}

    /**
     * @notice Creates `amount` tokens for `to`.
     * @dev Requirements: caller is the owner. Emits {Transfer}.
     */
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
