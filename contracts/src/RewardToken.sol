// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title RewardToken
 * @notice A plain ERC-20 for local runs and tests. In production the marketplace is deployed
 * against any existing ERC-20 (a stablecoin, say) and this contract is not used.
 */
contract RewardToken is ERC20, Ownable {
    constructor(address initialOwner) ERC20("TrialShare Reward", "TSR") Ownable(initialOwner) {}

    /**
     * @notice Creates `amount` tokens for `to`.
     * @dev Requirements: caller is the owner. Emits {Transfer}.
     */
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
